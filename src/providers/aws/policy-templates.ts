/**
 * bootstrap/ from the declared permissions (permissions.ts): each role's policy statements as
 * CloudFormation YAML, written between the markers `# generated: <role> …` and
 * `# end generated: <role>` of the hand-written templates, and the statements the Log Archive
 * account must add to its snapshot bucket's policy and KMS key policy, as JSON. Pure text in, text
 * out: scripts/bootstrap-templates.mjs writes (or, with --check, compares) the files, and
 * test/bootstrap/templates.test.ts checks that the committed files are what this makes.
 */

import {
  type PolicyRole,
  type PolicyStatement,
  ROLE_NAMES,
  ROLE_POLICIES,
  statementActions,
} from './permissions.js';

/** The templates whose policy sections are generated, relative to the repository. */
export const BOOTSTRAP_TEMPLATES = ['bootstrap/data-account.yaml', 'bootstrap/management-account.yaml'];

/** The Log Archive statements, relative to the repository. */
export const LOG_ARCHIVE_SNIPPETS = {
  bucket: 'bootstrap/log-archive/bucket-policy-statements.json',
  key: 'bootstrap/log-archive/kms-key-policy-statement.json',
} as const;

const START = /^(\s*)# generated: ([a-z-]+)\b.*$/;
const END = /^\s*# end generated: ([a-z-]+)\s*$/;

/** A scalar as YAML: `!Sub` when it holds a `${…}`, single-quoted otherwise. */
function scalar(value: string): string {
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes('${') ? `!Sub ${quoted}` : quoted;
}

function list(key: string, values: readonly string[], pad: string): string[] {
  return [`${pad}${key}:`, ...values.map((v) => `${pad}  - ${scalar(v)}`)];
}

/** One statement as the items of a `Statement:` list, at `pad`. */
export function statementYaml(statement: PolicyStatement, pad: string): string[] {
  const body = [
    `Sid: ${statement.sid}`,
    'Effect: Allow',
    ...list('Action', statementActions(statement), '').map((l) => l),
    ...list('Resource', statement.resources, ''),
  ];
  if (statement.condition) {
    body.push('Condition:');
    for (const [operator, keys] of Object.entries(statement.condition)) {
      body.push(`  ${operator}:`);
      for (const [key, value] of Object.entries(keys)) {
        if (typeof value === 'string') body.push(`    ${key}: ${scalar(value)}`);
        else body.push(...list(key, value as readonly string[], '    '));
      }
    }
  }
  if (!statement.when) return body.map((line, i) => `${pad}${i === 0 ? '- ' : '  '}${line}`);
  return [
    `${pad}- !If`,
    `${pad}  - ${statement.when}`,
    ...body.map((line, i) => `${pad}  ${i === 0 ? '- ' : '  '}${line}`),
    `${pad}  - !Ref AWS::NoValue`,
  ];
}

/** A role's statements, at `pad`. */
export function policyYaml(role: PolicyRole, pad: string): string[] {
  return ROLE_POLICIES[role].flatMap((s) => statementYaml(s, pad));
}

function isRole(name: string): name is PolicyRole {
  return Object.hasOwn(ROLE_POLICIES, name);
}

/**
 * The template with every generated section made anew from permissions.ts. Throws, naming the file
 * and line, for a marker of an unknown role or one without its end.
 */
export function fillGenerated(text: string, file: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    out.push(line);
    const start = START.exec(line);
    if (!start) continue;
    const [, pad = '', role = ''] = start;
    if (!isRole(role)) {
      throw new Error(
        `${file}:${i + 1}: '# generated: ${role}' names no role of permissions.ts; one of ${Object.keys(ROLE_POLICIES).join(', ')}`,
      );
    }
    let end = i + 1;
    while (end < lines.length && END.exec(lines[end] as string)?.[1] !== role) end++;
    if (end >= lines.length)
      throw new Error(`${file}:${i + 1}: no '# end generated: ${role}' after this line`);
    out.push(...policyYaml(role, pad), lines[end] as string);
    i = end;
  }
  return out.join('\n');
}

/**
 * The data roles that read the snapshot bucket: doctor samples it (read, write), compact reads it
 * (compact, or write when roles.data.compact is not set).
 */
const SNAPSHOT_READERS: PolicyRole[] = ['data-read', 'data-write', 'data-compact'];

/** A `${…}` of the templates as the placeholder a person replaces in a snippet. */
function placeholders(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the pseudo parameter as !Sub writes it
      .replace('${AWS::Partition}', 'aws')
      .replace(/\$\{([A-Za-z]+)\}/g, (_, name: string) => `<${name}>`)
  );
}

function snapshotStatement(role: PolicyRole, sid: string): PolicyStatement {
  const statement = ROLE_POLICIES[role].find((s) => s.sid === sid);
  if (!statement) throw new Error(`permissions.ts: ${role} has no statement ${sid}`);
  return statement;
}

/**
 * What the Log Archive account adds to its snapshot bucket's policy and to the bucket's KMS key
 * policy: the same actions and resources the data roles' own statements name (`Snapshots`,
 * `SnapshotKey`), granted to those roles of the data account.
 */
export function logArchiveSnippets(): Record<keyof typeof LOG_ARCHIVE_SNIPPETS, string> {
  const principals = SNAPSHOT_READERS.map((r) => `arn:aws:iam::<DataAccountId>:role/${ROLE_NAMES[r]}`);
  const snapshots = snapshotStatement('data-read', 'Snapshots');
  const key = snapshotStatement('data-read', 'SnapshotKey');
  const bucket = snapshots.resources.map(placeholders);
  const objects = bucket.filter((r) => r.endsWith('/*'));
  const statements = [
    {
      Sid: 'OrgComplianceListSnapshots',
      Effect: 'Allow',
      Principal: { AWS: principals },
      Action: 's3:ListBucket',
      Resource: bucket.filter((r) => !r.endsWith('/*')),
    },
    {
      Sid: 'OrgComplianceReadSnapshots',
      Effect: 'Allow',
      Principal: { AWS: principals },
      Action: 's3:GetObject',
      Resource: objects,
    },
  ];
  const keyStatement = {
    Sid: 'OrgComplianceDecryptSnapshots',
    Effect: 'Allow',
    Principal: { AWS: principals },
    Action: statementActions(key),
    Resource: '*',
    Condition: key.condition,
  };
  return {
    bucket: `${JSON.stringify(statements, null, 2)}\n`,
    key: `${JSON.stringify(keyStatement, null, 2)}\n`,
  };
}
