import { EVALUATIONS_TABLE, FILES_TABLE } from '../desired/compacted-tables.js';
import { referenceTableName } from '../desired/reference-data.js';
import { statementDiagnostics } from '../desired/views.js';
import type { Repository } from '../model/config.js';
import { toIsoDate } from '../model/dates.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { present } from '../model/values.js';
import { readQuickSightSources } from '../quicksight/files.js';
import { ACCOUNTS_FILE, parseAccounts } from './accounts.js';
import { EXCEPTIONS_FILE, parseExceptions, previousExceptions } from './exceptions.js';
import { fileAtRevision } from './git-base.js';
import { builtInManagedRules, type ManagedRuleCatalog } from './managed-rules.js';
import { ORG_FILE, parseOrg } from './org.js';
import { readRepoText } from './repo-file.js';
import { parseRules, RULES_FILE } from './rules.js';
import { checkViewSyntax, type ViewGrammarCheck } from './view-syntax.js';
import { checkViewNames, GENERATED_VIEWS, orderViews, readViewSources } from './views.js';
import { YamlFile } from './yaml-file.js';

/** The tables the tool creates in the Glue database beside the views, besides glue.table. */
const TOOL_TABLES = [
  { name: EVALUATIONS_TABLE, what: 'the compacted evaluations table' },
  { name: FILES_TABLE, what: 'the compacted files table' },
  ...GENERATED_VIEWS.filter((v) => v !== 'projection').map((v) => ({
    name: referenceTableName(v),
    what: `the reference table behind the '${v}' view`,
  })),
];

/** config/exceptions.yaml, which may be left out: a missing file is the same as an empty list. */
async function readExceptions(root: string): Promise<YamlFile> {
  const read = await readRepoText(root, EXCEPTIONS_FILE);
  if ('missing' in read) return YamlFile.parse(EXCEPTIONS_FILE, 'exceptions: []\n');
  if ('text' in read) return YamlFile.parse(EXCEPTIONS_FILE, read.text);
  const file = YamlFile.parse(EXCEPTIONS_FILE, '');
  file.diagnostics.push(read.problem);
  return file;
}

export interface LoadOptions {
  strict?: boolean;
  catalog?: ManagedRuleCatalog;
  /** The date expiries are judged against, `YYYY-MM-DD`; default today (UTC). */
  today?: string;
  /**
   * config/exceptions.yaml at the base revision (a pull request's base, or HEAD): an expiry in
   * the past is refused only on exceptions that are new or changed since then. Undefined: no
   * base known, every exception counts as new.
   */
  previousExceptionsText?: string;
  /**
   * The views parsed with Trino's grammar (@polyglot-sql/sdk from node_modules): `required` fails
   * when it is not installed (the CLI); `if-installed`, the default, skips it with a note (the
   * action bundles run without node_modules). The rest of the view checks always runs.
   */
  viewGrammar?: ViewGrammarCheck;
  /**
   * Whether quicksight/ is read and checked against QuickSight's API schemas (default true). A
   * command that never deploys QuickSight (the report) leaves it out: the schemas alone take some
   * 200 MB of memory. Left out, the repository holds no QuickSight definitions.
   */
  quicksight?: boolean;
}

export interface LoadResult {
  /** Present only when there is no error. */
  repository?: Repository;
  diagnostics: Diagnostic[];
  /** What was not checked here, and why; present only when something was not. */
  notes?: string[];
}

/** Reads and validates config/*.yaml under `root`. Never throws for the user's mistakes. */
export async function loadRepository(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const [orgFile, accountsFile, rulesFile, exceptionsFile, viewRead, quicksight] = await Promise.all([
    YamlFile.read(root, ORG_FILE),
    YamlFile.read(root, ACCOUNTS_FILE),
    YamlFile.read(root, RULES_FILE),
    readExceptions(root),
    readViewSources(root),
    options.quicksight === false
      ? Promise.resolve({ sources: [], diagnostics: [] })
      : readQuickSightSources(root),
  ]);
  const viewSources = viewRead.sources;
  const org = orgFile.ok ? parseOrg(orgFile, { today: options.today ?? toIsoDate(new Date()) }) : undefined;
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
  const exceptions = exceptionsFile.ok
    ? parseExceptions(exceptionsFile, {
        ...(accountsFile.ok && accounts ? { accounts } : {}),
        ...(rulesFile.ok && rules ? { rules } : {}),
        today: options.today ?? toIsoDate(new Date()),
        // Undefined when there is no base text, a list (possibly empty) when there is.
        ...present({ previous: previousExceptions(options.previousExceptionsText) }),
      })
    : undefined;
  const views = orderViews(viewSources);
  const viewSyntax = await checkViewSyntax(viewSources, org, {
    grammar: options.viewGrammar ?? 'if-installed',
  });
  if (org && quicksight.sources.length > 0 && org.quicksight.owners.length === 0) {
    // QuickSight grants access per resource: with no owner, what apply creates could be opened,
    // changed or deleted by nobody but an administrator, and an update would revoke everyone.
    orgFile.error(
      ['quicksight', 'owners'],
      `quicksight/ holds ${quicksight.sources.length} definitions but quicksight.owners lists nobody: name at least one QuickSight group or user that manages them, e.g. 'group/org-compliance-admins'`,
    );
  }
  const diagnostics = [
    ...orgFile.diagnostics,
    ...accountsFile.diagnostics,
    ...rulesFile.diagnostics,
    ...exceptionsFile.diagnostics,
    ...viewRead.diagnostics,
    ...views.diagnostics,
    ...(org ? checkViewNames(viewSources, org, TOOL_TABLES) : []),
    ...viewSyntax.diagnostics,
    ...quicksight.diagnostics,
    ...(quicksight.diagnostics.some((d) => d.severity === 'error') || quicksight.sources.length === 0
      ? []
      : // Loaded when there is something to check: it carries QuickSight's API schemas.
        (await import('../quicksight/validate.js')).validateQuickSight(quicksight.sources)),
  ];
  const failed = diagnostics.some((d) => d.severity === 'error');
  const notes = present({ notes: viewSyntax.notes.length ? viewSyntax.notes : undefined });
  if (failed || !org || !accounts || !rules || !exceptions) return { diagnostics, ...notes };
  const repository: Repository = {
    root,
    org,
    accounts,
    rules,
    exceptions,
    views: viewSources,
    quicksight: quicksight.sources,
  };
  // What apply would send to Athena must fit its limits, whatever the size of the organization.
  const statements = statementDiagnostics(repository, { today: options.today ?? toIsoDate(new Date()) });
  if (statements.length) return { diagnostics: [...diagnostics, ...statements], ...notes };
  return { repository, diagnostics, ...notes };
}

export interface RunLoadOptions {
  /** The repository root, resolved. */
  root: string;
  /** Unknown managed-rule identifiers are errors instead of warnings. */
  strict: boolean;
  /** The date expiries are judged against, `YYYY-MM-DD`. */
  today: string;
  /** The git revision whose config/exceptions.yaml was already reviewed (a pull request's base, or HEAD). */
  baseRef: string;
  /** See LoadOptions.viewGrammar: `required` for the CLI, `if-installed` for the actions. */
  viewGrammar: ViewGrammarCheck;
  /** See LoadOptions.quicksight (default true). */
  quicksight?: boolean;
}

/**
 * The load a command or an action starts with: the repository as of `today`, an expiry in the
 * past refused only on exceptions new or changed since `baseRef`. The caller shows the diagnostics.
 */
export async function loadForRun({
  root,
  strict,
  today,
  baseRef,
  viewGrammar,
  quicksight,
}: RunLoadOptions): Promise<LoadResult> {
  const previous = await fileAtRevision(root, baseRef, EXCEPTIONS_FILE);
  return loadRepository(root, {
    strict,
    today,
    viewGrammar,
    ...present({ previousExceptionsText: previous, quicksight }),
  });
}

export { ConfigurationError, type Diagnostic, formatDiagnostic } from '../model/diagnostics.js';
