import * as z from 'zod';
import {
  type Account,
  CATEGORIES,
  type Category,
  EXECUTION_FREQUENCIES,
  type ExecutionFrequency,
  type OrgConfig,
  type RuleRegions,
  type RuleSpec,
} from '../model/config.js';
import { didYouMean } from '../model/nearest.js';
import { deployRegions } from '../model/rule-regions.js';
import { SEVERITIES } from '../model/severity.js';
import { accountList, type EntryPath, parseEntries } from './entries.js';
import {
  availabilityText,
  isAvailableIn,
  type ManagedRule,
  type ManagedRuleCatalog,
  type ManagedRuleParameter,
} from './managed-rules.js';
import { reportSchemaIssues, strictMap } from './schema.js';
import type { YamlFile } from './yaml-file.js';

export const RULES_FILE = 'config/rules.yaml';

export const RULE_NAME = /^[A-Za-z0-9_-]+$/;
export const RULE_NAME_MAX = 64;
/** The service model's limit on InputParameters (one docs page says 2048; the model says 1024). */
export const INPUT_PARAMETERS_MAX = 1024;
export const DESCRIPTION_MAX = 256;
export const RESOURCE_TYPES_MAX = 100;
/** A remediation override: one or two sentences, not a runbook. */
export const REMEDIATION_MAX = 500;

export { ruleRegionsText } from '../model/rule-regions.js';

const frequency = z.enum(EXECUTION_FREQUENCIES, {
  error: (iss) =>
    `'${String(iss.input)}' is not an execution frequency; valid: ${EXECUTION_FREQUENCIES.join(', ')}`,
});
const paramValue = z.union(
  [z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))],
  {
    error: 'expected a string, number, boolean, or a list (for csv parameters)',
  },
);

const ruleSchema = strictMap({
  name: z.string(),
  identifier: z.string().min(1).max(256),
  description: z.string().optional(),
  regions: z
    .union([z.enum(['home', 'all']), z.array(z.string())], {
      error:
        "expected 'home' (home region only) or 'all' (every region of config/org.yaml), or a list of regions such as [us-east-1]",
    })
    .optional(),
  parameters: z.record(z.string(), paramValue).optional(),
  maximumExecutionFrequency: frequency.optional(),
  resourceTypes: z
    .array(
      z.string().regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, {
        error: 'expected a resource type such as AWS::S3::Bucket',
      }),
    )
    .optional(),
  resourceId: z.string().min(1).max(768).optional(),
  tagKey: z.string().min(1).max(128).optional(),
  tagValue: z.string().min(1).max(256).optional(),
  excludedAccounts: z.array(z.unknown()).optional(),
  severity: z
    .enum(SEVERITIES, {
      error: (iss) => `'${String(iss.input)}' is not a severity; valid: ${SEVERITIES.join(', ')}`,
    })
    .optional(),
  remediation: z.string().min(1).max(REMEDIATION_MAX).optional(),
});

const rulesFileSchema = strictMap({
  defaults: strictMap({ maximumExecutionFrequency: frequency.optional() }).optional(),
  rules: z.array(z.unknown()),
});

export interface RuleLoadOptions {
  /** Unknown managed-rule identifiers are errors instead of warnings. */
  strict: boolean;
}

/**
 * Account-level periodic rules: one fact per account, the same in every region.
 * (The guide's resource type lists are incomplete, so an empty list does not tell.)
 */
const ACCOUNT_LEVEL_RULES = new Set([
  'ROOT_ACCOUNT_MFA_ENABLED',
  'ROOT_ACCOUNT_HARDWARE_MFA_ENABLED',
  'IAM_ROOT_ACCESS_KEY_CHECK',
  'IAM_PASSWORD_POLICY',
  'IAM_USER_MFA_ENABLED',
  'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS',
  'ACCESS_KEYS_ROTATED',
  'IAM_USER_UNUSED_CREDENTIALS_CHECK',
  'IAM_NO_INLINE_POLICY_CHECK',
  'IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS',
  'IAM_USER_NO_POLICIES_CHECK',
  'MULTI_REGION_CLOUD_TRAIL_ENABLED',
  'CLOUD_TRAIL_ENABLED',
  'ACCOUNT_PART_OF_ORGANIZATIONS',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC',
]);

/** Global resource types (IAM, recorded in one region) and account-level facts run in the home region only. */
function isGlobalRule(rule: ManagedRule): boolean {
  if (ACCOUNT_LEVEL_RULES.has(rule.identifier)) return true;
  return rule.resourceTypes.length > 0 && rule.resourceTypes.every((t) => t.startsWith('AWS::IAM::'));
}

function categoryOf(name: string): Category | undefined {
  // Longest prefix first: `deletion-protection-` before anything shorter.
  return [...CATEGORIES].sort((a, b) => b.length - a.length).find((c) => name.startsWith(`${c}-`));
}

function paramToString(
  file: YamlFile,
  path: (string | number)[],
  value: unknown,
  doc: ManagedRuleParameter | undefined,
): string | undefined {
  const type = doc?.type;
  if (Array.isArray(value)) {
    if (type && type !== 'csv') {
      file.error(
        path,
        `parameter '${doc?.name}' is of type ${type}; a list is only valid for csv parameters`,
      );
      return undefined;
    }
    return value.map(String).join(',');
  }
  switch (type) {
    case 'int':
      if (
        !(typeof value === 'number' && Number.isInteger(value)) &&
        !(typeof value === 'string' && /^-?\d+$/.test(value))
      ) {
        file.error(
          path,
          `parameter '${doc?.name}' is an int: expected a whole number, got ${JSON.stringify(value)}`,
        );
        return undefined;
      }
      return String(value);
    case 'double':
      if (!(typeof value === 'number') && !(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
        file.error(
          path,
          `parameter '${doc?.name}' is a double: expected a number, got ${JSON.stringify(value)}`,
        );
        return undefined;
      }
      return String(value);
    case 'boolean':
      if (typeof value === 'boolean') return String(value);
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value;
      file.error(
        path,
        `parameter '${doc?.name}' is a boolean: write true or false; got ${JSON.stringify(value)}`,
      );
      return undefined;
    default:
      return String(value);
  }
}

/** What the checks of every rule share: the rest of the repository, and the names seen so far. */
interface RuleScope {
  catalog: ManagedRuleCatalog;
  /** config/org.yaml; undefined when it is broken. */
  org: OrgConfig | undefined;
  options: RuleLoadOptions;
  defaultFrequency: ExecutionFrequency | undefined;
  /** Account ids in accounts.yaml; undefined when it is broken. */
  knownAccounts: ReadonlySet<string> | undefined;
  /** org.yaml's ownership marker, appended to every description. */
  marker: string;
  /** The index of the entry that first used each name, by the name in lower case. */
  names: Map<string, number>;
}

type RuleEntry = z.infer<typeof ruleSchema>;

export function parseRules(
  file: YamlFile,
  org: OrgConfig | undefined,
  accounts: Account[] | undefined,
  catalog: ManagedRuleCatalog,
  options: RuleLoadOptions,
): RuleSpec[] | undefined {
  const data = file.data();
  const top = rulesFileSchema.safeParse(data ?? {});
  if (!top.success) {
    reportSchemaIssues(file, top.error, data);
    return undefined;
  }
  const scope: RuleScope = {
    catalog,
    org,
    options,
    defaultFrequency: top.data.defaults?.maximumExecutionFrequency,
    knownAccounts: accounts ? new Set(accounts.map((a) => a.id)) : undefined,
    marker: org?.ownership.descriptionMarker ?? '',
    names: new Map(),
  };
  return parseEntries(file, data, 'rules', top.data.rules, ruleSchema, (r, path, i) =>
    checkRule(file, r, path, i, scope),
  );
}

/** Reports what is wrong with one rule that fits the schema; returns the rule it describes. */
function checkRule(
  file: YamlFile,
  r: RuleEntry,
  path: EntryPath,
  index: number,
  scope: RuleScope,
): RuleSpec | undefined {
  const category = checkName(file, r.name, path, index, scope.names);
  const managed = checkIdentifier(file, r.identifier, path, scope);
  const parameters = ruleParameters(file, r, path, managed);
  const periodic = managed ? managed.triggerTypes.includes('Periodic') : true;
  checkScope(file, r, path, managed, periodic);
  const regions = ruleRegions(file, r, path, managed, scope.org);
  const description = fullDescription(file, r.description ?? '', path, scope.marker);
  const excluded = accountList(
    file,
    [...path, 'excludedAccounts'],
    r.excludedAccounts ?? [],
    scope.knownAccounts,
  );
  if (excluded.length > 1000)
    file.error([...path, 'excludedAccounts'], `${excluded.length} accounts; the limit is 1000`);
  if (!category) return undefined;
  const spec: RuleSpec = {
    name: r.name,
    category,
    identifier: r.identifier,
    description,
    parameters,
    resourceTypesScope: r.resourceTypes ?? [],
    excludedAccounts: [...new Set(excluded)].sort(),
    regions,
  };
  const freq: ExecutionFrequency | undefined =
    r.maximumExecutionFrequency ?? (periodic ? scope.defaultFrequency : undefined);
  if (freq) spec.maximumExecutionFrequency = freq;
  if (r.resourceId) spec.resourceIdScope = r.resourceId;
  if (r.tagKey) spec.tagKeyScope = r.tagKey;
  if (r.tagValue) spec.tagValueScope = r.tagValue;
  if (r.severity) spec.severity = r.severity;
  if (r.remediation) spec.remediation = r.remediation;
  return spec;
}

/** Name: characters, length, category prefix, uniqueness. Returns the category it names. */
function checkName(
  file: YamlFile,
  name: string,
  path: EntryPath,
  index: number,
  names: Map<string, number>,
): Category | undefined {
  if (!RULE_NAME.test(name)) {
    const bad = [...new Set(name.replace(/[A-Za-z0-9_-]/g, ''))].map((c) => `'${c}'`).join(' ');
    file.error([...path, 'name'], `'${name}' has characters outside [A-Za-z0-9-_]: ${bad || '(empty name)'}`);
  }
  if (name.length > RULE_NAME_MAX) {
    file.error([...path, 'name'], `'${name}' is ${name.length} characters; the limit is ${RULE_NAME_MAX}`);
  }
  const category = categoryOf(name);
  if (!category) {
    file.error(
      [...path, 'name'],
      `'${name}' does not start with a category prefix; valid: ${CATEGORIES.map((c) => `${c}-`).join(', ')}`,
    );
  }
  // Keyed in lower case: names that differ only in case are one name to a reader of the dashboard
  // and to an exception pattern written in the other case.
  const prev = names.get(name.toLowerCase());
  if (prev !== undefined) {
    const first = file.sourceAt(['rules', prev, 'name']) ?? name;
    file.error(
      [...path, 'name'],
      first === name
        ? `rule '${name}' is defined twice (first at line ${file.lineAt(['rules', prev, 'name'])})`
        : `rule '${name}' differs only in case from '${first}' (line ${file.lineAt(['rules', prev, 'name'])}); names that differ only in case read as one rule on the dashboard and in exceptions: name them apart`,
    );
  } else names.set(name.toLowerCase(), index);
  return category;
}

/** The identifier against the managed-rule facts: unknown is a warning, or an error when strict. */
function checkIdentifier(
  file: YamlFile,
  identifier: string,
  path: EntryPath,
  scope: RuleScope,
): ManagedRule | undefined {
  const managed = scope.catalog.get(identifier);
  if (!managed) {
    const near = scope.catalog.nearestIdentifiers(identifier);
    const msg = `'${identifier}' is not a known AWS Config managed rule identifier${near.length ? `; nearest: ${near.join(', ')}` : ''}`;
    file.report(scope.options.strict ? 'error' : 'warning', [...path, 'identifier'], msg);
  }
  return managed;
}

/**
 * The rule's InputParameters: the given ones checked against the managed rule's documented names
 * and types, its defaults filled in, the required ones present, within the size limit.
 */
function ruleParameters(
  file: YamlFile,
  r: RuleEntry,
  path: EntryPath,
  managed: ManagedRule | undefined,
): Record<string, string> {
  const parameters: Record<string, string> = {};
  const given = r.parameters ?? {};
  for (const [pname, pvalue] of Object.entries(given)) {
    const doc = managed?.parameters.find((p) => p.name === pname);
    if (managed && !doc) {
      const valid = managed.parameters.map((p) => p.name);
      file.error(
        [...path, 'parameters'],
        `'${pname}' is not a parameter of ${managed.identifier}${didYouMean(pname, valid) || '.'} Valid: ${valid.length ? valid.join(', ') : '(none: this rule takes no parameters)'}`,
        { key: pname },
      );
      continue;
    }
    const s = paramToString(file, [...path, 'parameters', pname], pvalue, doc);
    if (s !== undefined) parameters[pname] = s;
  }
  if (managed) {
    for (const p of managed.parameters) {
      if (p.name in given) continue;
      if (p.default !== null) parameters[p.name] = p.default;
      else if (!p.optional) {
        file.error(
          [...path, r.parameters ? 'parameters' : 'identifier'],
          `${managed.identifier} requires parameter '${p.name}' (${p.type}); it has no default, so set it under parameters`,
        );
      }
    }
  }
  const inputParameters = JSON.stringify(
    Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b))),
  );
  if (inputParameters.length > INPUT_PARAMETERS_MAX) {
    file.error(
      [...path, 'parameters'],
      `InputParameters would be ${inputParameters.length} characters of JSON; the limit is ${INPUT_PARAMETERS_MAX}`,
    );
  }
  return parameters;
}

/** When and on what the rule runs: an execution frequency only means something for periodic rules. */
function checkScope(
  file: YamlFile,
  r: RuleEntry,
  path: EntryPath,
  managed: ManagedRule | undefined,
  periodic: boolean,
): void {
  if (r.maximumExecutionFrequency && managed && !periodic) {
    file.error(
      [...path, 'maximumExecutionFrequency'],
      `${managed.identifier} is triggered by configuration changes only; remove maximumExecutionFrequency`,
    );
  }
  if (r.resourceTypes && r.resourceTypes.length > RESOURCE_TYPES_MAX) {
    file.error(
      [...path, 'resourceTypes'],
      `${r.resourceTypes.length} resource types; the limit is ${RESOURCE_TYPES_MAX}`,
    );
  }
  checkResourceTypes(file, r.resourceTypes ?? [], path, managed);
}

/**
 * Each resource type against the ones the guide documents for the managed rule. When it documents
 * none (the list is incomplete, not empty), the schema's `AWS::Service::Type` check is all there is.
 */
function checkResourceTypes(
  file: YamlFile,
  types: readonly string[],
  path: EntryPath,
  managed: ManagedRule | undefined,
): void {
  const documented = managed?.resourceTypes ?? [];
  if (!managed || documented.length === 0) return;
  types.forEach((type, j) => {
    if (documented.includes(type)) return;
    file.error(
      [...path, 'resourceTypes', j],
      `'${type}' is not a resource type ${managed.identifier} evaluates${didYouMean(type, documented) || '.'} Documented: ${documented.join(', ')}`,
    );
  });
}

/**
 * Where the rule runs: `home`, `all`, or a list of org.yaml's regions (each once). Left out, global
 * rules get home and the others all. Every region it would run in must offer the managed rule.
 */
function ruleRegions(
  file: YamlFile,
  r: RuleEntry,
  path: EntryPath,
  managed: ManagedRule | undefined,
  org: OrgConfig | undefined,
): RuleRegions {
  const regions: RuleRegions = r.regions ?? (managed && isGlobalRule(managed) ? 'home' : 'all');
  if (typeof regions !== 'string') checkRegionList(file, regions, [...path, 'regions'], org);
  if (!managed || !org) return regions;
  const fix = suggestedRegions(managed, org);
  const refuse = (where: (string | number)[], bad: string[], how: string) =>
    file.error(
      where,
      `rule '${r.name}' would deploy ${managed.identifier} to ${bad.join(', ')}${how}, but the AWS Config Developer Guide documents it ${availabilityText(managed)}; ${fix}`,
    );
  if (typeof regions !== 'string') {
    regions.forEach((region, j) => {
      const once = regions.indexOf(region) === j;
      if (once && org.regions.includes(region) && !isAvailableIn(managed, region))
        refuse([...path, 'regions', j], [region], '');
    });
    return regions;
  }
  const bad = deployRegions(regions, org).filter((region) => !isAvailableIn(managed, region));
  if (bad.length === 0) return regions;
  if (r.regions) refuse([...path, 'regions'], bad, ` (regions: ${regions})`);
  else refuse([...path, 'identifier'], bad, ` (regions left out: ${regions})`);
  return regions;
}

/** A regions list: not empty, each region one of org.yaml's (when that is known), none twice. */
function checkRegionList(
  file: YamlFile,
  regions: readonly string[],
  path: (string | number)[],
  org: OrgConfig | undefined,
): void {
  if (regions.length === 0) {
    file.error(path, "list at least one region, or write 'home' or 'all'");
    return;
  }
  const firstAt = new Map<string, number>();
  regions.forEach((region, j) => {
    const first = firstAt.get(region);
    if (first !== undefined) {
      file.error(
        [...path, j],
        `region '${region}' is listed twice (first at line ${file.lineAt([...path, first])})`,
      );
      return;
    }
    firstAt.set(region, j);
    if (org && !org.regions.includes(region)) {
      file.error(
        [...path, j],
        `region '${region}' is not one of config/org.yaml's regions${didYouMean(region, org.regions) || '.'} Valid: ${org.regions.join(', ')}`,
      );
    }
  });
}

/** What to write instead: the org.yaml regions that offer the rule, or what to change when none does. */
function suggestedRegions(managed: ManagedRule, org: OrgConfig): string {
  const available = org.regions.filter((region) => isAvailableIn(managed, region));
  if (available.length) return `write regions: [${available.join(', ')}]`;
  const where =
    managed.regions && 'availableIn' in managed.regions
      ? `add ${managed.regions.availableIn.join(' or ')} to config/org.yaml's regions, or remove the rule`
      : 'add a region that offers it to config/org.yaml, or remove the rule';
  return `no region of config/org.yaml offers it: ${where}`;
}

/** The description with the ownership marker, within the limit. */
function fullDescription(file: YamlFile, description: string, path: EntryPath, marker: string): string {
  const full = description && marker ? `${description} ${marker}` : description || marker;
  if (full.length > DESCRIPTION_MAX) {
    file.error(
      [...path, 'description'],
      `${description.length} characters; with the ownership marker it must stay within ${DESCRIPTION_MAX} (at most ${DESCRIPTION_MAX - marker.length - 1})`,
    );
  }
  return full;
}
