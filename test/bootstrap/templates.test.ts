/**
 * bootstrap/: the committed templates and Log Archive statements are exactly what
 * src/providers/aws/policy-templates.ts makes from permissions.ts (so the policies deployed are the
 * ones the permissions test checks against the code), the trust policies pin aud and sub as
 * docs/setup.md says, and every role's inline policy stays under IAM's size limit.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub strings, `${Parameter}` kept as written
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { ROLE_NAMES } from '../../src/providers/aws/permissions.js';
import {
  BOOTSTRAP_TEMPLATES,
  fillGenerated,
  LOG_ARCHIVE_SNIPPETS,
  logArchiveSnippets,
} from '../../src/providers/aws/policy-templates.js';
import { REPO_ROOT } from '../helpers/repo.js';

const read = (file: string) => readFile(join(REPO_ROOT, file), 'utf8');

/** CloudFormation's short forms as `{ 'Fn::X': … }` objects, for reading the templates. */
const CFN_TAGS: Tags = ['Sub', 'Ref', 'GetAtt', 'If', 'Not', 'Equals', 'Join', 'Select', 'Split'].flatMap(
  (name) => {
    const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
    return [
      { tag: `!${name}`, resolve: (value: unknown) => ({ [key]: value }) },
      { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => ({ [key]: value }) },
    ] as Tags;
  },
);

type Json = Record<string, unknown>;

async function template(
  file: string,
): Promise<{ Resources: Record<string, { Type: string; Properties: Json }> }> {
  return parse(await read(file), { customTags: CFN_TAGS, toJSON: true } as never);
}

function plain(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (_, v) => (v instanceof Map ? Object.fromEntries(v) : v)));
}

describe('bootstrap/ is what permissions.ts declares', () => {
  it.each(BOOTSTRAP_TEMPLATES)('%s has the generated policies', async (file) => {
    const text = await read(file);
    expect(fillGenerated(text, file)).toBe(text);
    // Every role of the file has its generated section.
    expect(text.match(/# generated: /g)?.length).toBe(file.includes('data') ? 6 : 2);
  });

  it('the Log Archive statements are the data roles’ Snapshots and SnapshotKey statements', async () => {
    const made = logArchiveSnippets();
    expect(await read(LOG_ARCHIVE_SNIPPETS.bucket)).toBe(made.bucket);
    expect(await read(LOG_ARCHIVE_SNIPPETS.key)).toBe(made.key);
    expect(JSON.parse(made.bucket)).toEqual([
      {
        Sid: 'OrgComplianceListSnapshots',
        Effect: 'Allow',
        Principal: {
          AWS: [
            'arn:aws:iam::<DataAccountId>:role/org-compliance-data-read',
            'arn:aws:iam::<DataAccountId>:role/org-compliance-data-write',
            'arn:aws:iam::<DataAccountId>:role/org-compliance-data-compact',
          ],
        },
        Action: 's3:ListBucket',
        Resource: ['arn:aws:s3:::<SnapshotBucket>'],
      },
      {
        Sid: 'OrgComplianceReadSnapshots',
        Effect: 'Allow',
        Principal: {
          AWS: [
            'arn:aws:iam::<DataAccountId>:role/org-compliance-data-read',
            'arn:aws:iam::<DataAccountId>:role/org-compliance-data-write',
            'arn:aws:iam::<DataAccountId>:role/org-compliance-data-compact',
          ],
        },
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::<SnapshotBucket>/*'],
      },
    ]);
  });

  it('a generated section changed by hand is put back; a marker without its end or role is refused', () => {
    const section = [
      '            Statement:',
      '              # generated: github-plan (x)',
      "              - Sid: Everything\n                Effect: Allow\n                Action: '*'",
      '              # end generated: github-plan',
    ].join('\n');
    const filled = fillGenerated(section, 't.yaml');
    expect(filled).not.toContain('Everything');
    expect(filled).toContain("                  - 'sts:AssumeRole'");
    expect(() => fillGenerated('x\n  # generated: github-plan\n', 't.yaml')).toThrow(
      "t.yaml:2: no '# end generated: github-plan' after this line",
    );
    expect(() => fillGenerated('  # generated: nobody\n  # end generated: nobody', 't.yaml')).toThrow(
      "t.yaml:1: '# generated: nobody' names no role of permissions.ts; one of management-read, management-write, data-read, data-write, data-compact, github-plan, github-nightly, github-apply",
    );
  });
});

const REPO = 'repo:${GitHubRepository}';

describe('the trust policies', () => {
  it('pin aud and the exact sub of each entry role, as docs/setup.md explains', async () => {
    const { Resources } = await template('bootstrap/data-account.yaml');
    const trust = (id: string) => {
      const role = Resources[id];
      const doc = plain(role?.Properties.AssumeRolePolicyDocument) as { Statement: Json[] };
      expect(doc.Statement).toHaveLength(1);
      const [statement] = doc.Statement as [Json];
      expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
      return { name: role?.Properties.RoleName, condition: statement.Condition };
    };
    const aud = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };
    expect(trust('PlanEntryRole')).toEqual({
      name: ROLE_NAMES['github-plan'],
      condition: {
        StringEquals: {
          ...aud,
          'token.actions.githubusercontent.com:sub': { 'Fn::Sub': `${REPO}:pull_request` },
        },
      },
    });
    expect(trust('NightlyEntryRole')).toEqual({
      name: ROLE_NAMES['github-nightly'],
      condition: {
        StringEquals: {
          ...aud,
          'token.actions.githubusercontent.com:sub': [
            { 'Fn::Sub': `${REPO}:environment:\${NightlyEnvironment}` },
            { 'Fn::Sub': `${REPO}:ref:refs/heads/\${MainBranch}` },
          ],
        },
      },
    });
    expect(trust('ApplyEntryRole')).toEqual({
      name: ROLE_NAMES['github-apply'],
      condition: {
        StringEquals: {
          ...aud,
          'token.actions.githubusercontent.com:sub': {
            'Fn::Sub': `${REPO}:environment:\${ProductionEnvironment}`,
          },
        },
      },
    });
  });

  it('let each tool role be assumed only by the entry roles that use it', async () => {
    const data = await template('bootstrap/data-account.yaml');
    const management = await template('bootstrap/management-account.yaml');
    const principals = (t: typeof data, id: string) => {
      const doc = plain(t.Resources[id]?.Properties.AssumeRolePolicyDocument) as {
        Statement: { Action: string; Principal: { AWS: unknown } }[];
      };
      expect(doc.Statement.map((s) => s.Action)).toEqual(['sts:AssumeRole']);
      return [doc.Statement[0]?.Principal.AWS].flat();
    };
    expect(principals(data, 'DataReadRole')).toEqual([
      { 'Fn::GetAtt': 'PlanEntryRole.Arn' },
      { 'Fn::GetAtt': 'NightlyEntryRole.Arn' },
    ]);
    // The nightly jobs reach no write role: compaction has a role of its own.
    expect(principals(data, 'DataWriteRole')).toEqual([{ 'Fn::GetAtt': 'ApplyEntryRole.Arn' }]);
    expect(principals(data, 'DataCompactRole')).toEqual([{ 'Fn::GetAtt': 'NightlyEntryRole.Arn' }]);
    const entry = (name: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:iam::\${DataAccountId}:role/${name}`,
    });
    expect(principals(management, 'ManagementReadRole')).toEqual([
      entry('org-compliance-github-plan'),
      entry('org-compliance-github-nightly'),
    ]);
    expect(principals(management, 'ManagementWriteRole')).toEqual([entry('org-compliance-github-apply')]);
  });
});

describe('the data account’s outputs', () => {
  it('give each role config/org.yaml names under roles.data, compact included', async () => {
    const { Outputs } = parse(await read('bootstrap/data-account.yaml'), {
      customTags: CFN_TAGS,
    } as never) as { Outputs: Record<string, { Description: string; Value: unknown }> };
    const roles = Object.entries(Outputs)
      .filter(([, o]) => o.Description.startsWith('roles.'))
      .map(([id, o]) => [id, o.Description, plain(o.Value)]);
    expect(roles).toEqual([
      ['DataReadRoleArn', 'roles.data.read in config/org.yaml.', { 'Fn::GetAtt': 'DataReadRole.Arn' }],
      ['DataWriteRoleArn', 'roles.data.write in config/org.yaml.', { 'Fn::GetAtt': 'DataWriteRole.Arn' }],
      [
        'DataCompactRoleArn',
        'roles.data.compact in config/org.yaml.',
        { 'Fn::GetAtt': 'DataCompactRole.Arn' },
      ],
    ]);
  });
});

/** A `!Sub` string with long but valid values for every parameter. */
function substituted(value: string): string {
  const long: Record<string, string> = {
    'AWS::Partition': 'aws-us-gov',
    'AWS::AccountId': '123456789012',
    'AWS::Region': 'ap-southeast-4',
    ManagementAccountId: '123456789012',
    SnapshotKmsKeyArn: 'arn:aws:kms:ap-southeast-4:123456789012:key/0f1e2d3c-0000-4000-8000-000000000001',
    QuickSightRegion: 'ap-southeast-4',
    QuickSightIdentityRegion: 'ap-southeast-4',
    SesRegion: 'ap-southeast-4',
  };
  return value.replace(/\$\{([A-Za-z:]+)\}/g, (_, name: string) => long[name] ?? 'x'.repeat(63));
}

describe('the inline policies', () => {
  it('stay under IAM’s 10,240 characters per role, with 63-character names for every parameter', async () => {
    for (const file of BOOTSTRAP_TEMPLATES) {
      const { Resources } = await template(file);
      for (const [id, resource] of Object.entries(Resources)) {
        if (resource.Type !== 'AWS::IAM::Role') continue;
        const policies = plain(resource.Properties.Policies) as { PolicyDocument: unknown }[];
        const text = JSON.stringify(
          policies.map((p) => p.PolicyDocument),
          (_, v) => (v && typeof v === 'object' && 'Fn::Sub' in v ? substituted(String(v['Fn::Sub'])) : v),
        );
        expect(text.length, `${file} ${id}`).toBeLessThan(10_240);
      }
    }
  });
});
