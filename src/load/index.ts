import type { Repository } from '../model/config.js';
import { ACCOUNTS_FILE, parseAccounts } from './accounts.js';
import type { Diagnostic } from './diagnostics.js';
import { builtInManagedRules, type ManagedRuleCatalog } from './managed-rules.js';
import { ORG_FILE, parseOrg } from './org.js';
import { parseRules, RULES_FILE } from './rules.js';
import { YamlFile } from './yaml-file.js';

export interface LoadOptions {
  strict?: boolean;
  catalog?: ManagedRuleCatalog;
}

export interface LoadResult {
  /** Present only when there is no error. */
  repository?: Repository;
  diagnostics: Diagnostic[];
}

/** Reads and validates config/*.yaml under `root`. Never throws for the user's mistakes. */
export async function loadRepository(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const [orgFile, accountsFile, rulesFile] = await Promise.all([
    YamlFile.read(root, ORG_FILE),
    YamlFile.read(root, ACCOUNTS_FILE),
    YamlFile.read(root, RULES_FILE),
  ]);
  const org = orgFile.ok ? parseOrg(orgFile) : undefined;
  const accounts = accountsFile.ok ? parseAccounts(accountsFile) : undefined;
  const rules = rulesFile.ok
    ? // Accounts with errors are missing from the list; do not report them again as unknown.
      parseRules(
        rulesFile,
        org,
        accountsFile.ok ? accounts : undefined,
        options.catalog ?? builtInManagedRules(),
        { strict: options.strict ?? false },
      )
    : undefined;
  const diagnostics = [...orgFile.diagnostics, ...accountsFile.diagnostics, ...rulesFile.diagnostics];
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (failed || !org || !accounts || !rules) return { diagnostics };
  return { repository: { root, org, accounts, rules }, diagnostics };
}

export { ConfigurationError, type Diagnostic, formatDiagnostic } from './diagnostics.js';
