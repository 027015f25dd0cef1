import { describe, expect, test } from 'vitest';
import { loadFixture, saying, yaml } from './fixtures.js';

const MARKER = '[managed by org-compliance]';

async function loadRules(rules: string) {
  const result = await loadFixture({ rules });
  expect(result.diagnostics).toEqual([]);
  const loaded = result.repository?.rules ?? [];
  return new Map(loaded.map((r) => [r.name, r]));
}

describe('what loading fills in for a rule', () => {
  test('a rule without parameters gets every documented default, as strings', async () => {
    const rules = await loadRules(yaml`
      rules:
        - name: security-iam-password-policy
          identifier: IAM_PASSWORD_POLICY
    `);
    expect(rules.get('security-iam-password-policy')?.parameters).toEqual({
      RequireUppercaseCharacters: 'true',
      RequireLowercaseCharacters: 'true',
      RequireSymbols: 'true',
      RequireNumbers: 'true',
      MinimumPasswordLength: '14',
      PasswordReusePrevention: '24',
      MaxPasswordAge: '90',
    });
  });

  test('values that are set win over the defaults; numbers and YAML booleans become strings', async () => {
    const rules = await loadRules(yaml`
      rules:
        - name: security-iam-password-policy
          identifier: IAM_PASSWORD_POLICY
          parameters:
            MinimumPasswordLength: 20
            RequireSymbols: false
        - name: cost-ec2-volume-inuse-check
          identifier: EC2_VOLUME_INUSE_CHECK
          parameters:
            deleteOnTermination: true
    `);
    expect(rules.get('security-iam-password-policy')?.parameters).toEqual({
      RequireUppercaseCharacters: 'true',
      RequireLowercaseCharacters: 'true',
      RequireSymbols: 'false',
      RequireNumbers: 'true',
      MinimumPasswordLength: '20',
      PasswordReusePrevention: '24',
      MaxPasswordAge: '90',
    });
    expect(rules.get('cost-ec2-volume-inuse-check')?.parameters).toEqual({ deleteOnTermination: 'true' });
  });

  test('a csv parameter written as a list becomes one comma-separated string', async () => {
    const rules = await loadRules(yaml`
      rules:
        - name: security-alb-desync-mode-check
          identifier: ALB_DESYNC_MODE_CHECK
          parameters:
            desyncMode:
              - defensive
              - strictest
    `);
    expect(rules.get('security-alb-desync-mode-check')?.parameters).toEqual({
      desyncMode: 'defensive,strictest',
    });
  });

  test('the description ends with the ownership marker, also when there is none', async () => {
    const rules = await loadRules(yaml`
      rules:
        - name: security-root-account-mfa-enabled
          identifier: ROOT_ACCOUNT_MFA_ENABLED
          description: The root user of every account has MFA enabled.
        - name: security-iam-root-access-key-check
          identifier: IAM_ROOT_ACCESS_KEY_CHECK
    `);
    expect(rules.get('security-root-account-mfa-enabled')?.description).toBe(
      `The root user of every account has MFA enabled. ${MARKER}`,
    );
    expect(rules.get('security-iam-root-access-key-check')?.description).toBe(MARKER);
  });

  test('the marker set in org.yaml is the one appended', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions: [eu-west-1]
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
        ownership:
          descriptionMarker: '(acme-compliance)'
      `,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.repository?.rules.map((r) => r.description)).toEqual([
      'Active IAM access keys are younger than 90 days. (acme-compliance)',
      '(acme-compliance)',
    ]);
  });

  test('a description that leaves no room for the marker is an error giving the room left', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-root-account-mfa-enabled
            identifier: ROOT_ACCOUNT_MFA_ENABLED
            description: ${'x'.repeat(229)}
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'config/rules.yaml',
        line: 4,
        column: 18,
        field: 'rules[0].description',
        message: saying('229 characters', 'must stay within 256', '(at most 228)'),
      },
    ]);
  });

  test('regions defaults to home for account-level rules and rules on IAM resources, all for the rest; a written value wins', async () => {
    const rules = await loadRules(yaml`
      rules:
        - name: security-iam-password-policy
          identifier: IAM_PASSWORD_POLICY
        - name: security-s3-bucket-public-read-prohibited
          identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
        - name: security-iam-group-has-users-check
          identifier: IAM_GROUP_HAS_USERS_CHECK
        - name: security-s3-bucket-public-write-prohibited
          identifier: S3_BUCKET_PUBLIC_WRITE_PROHIBITED
          regions: home
    `);
    expect(Object.fromEntries([...rules].map(([name, r]) => [name, r.regions]))).toEqual({
      'security-iam-password-policy': 'home',
      'security-s3-bucket-public-read-prohibited': 'all',
      'security-iam-group-has-users-check': 'home',
      'security-s3-bucket-public-write-prohibited': 'home',
    });
  });

  test('periodic rules get the default frequency, change-triggered rules get none', async () => {
    const rules = await loadRules(yaml`
      defaults:
        maximumExecutionFrequency: Twelve_Hours
      rules:
        - name: security-iam-password-policy
          identifier: IAM_PASSWORD_POLICY
        - name: security-s3-bucket-public-read-prohibited
          identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
        - name: security-access-keys-rotated
          identifier: ACCESS_KEYS_ROTATED
          maximumExecutionFrequency: One_Hour
        - name: security-alb-desync-mode-check
          identifier: ALB_DESYNC_MODE_CHECK
          parameters:
            desyncMode: defensive
    `);
    expect(Object.fromEntries([...rules].map(([name, r]) => [name, r.maximumExecutionFrequency]))).toEqual({
      'security-iam-password-policy': 'Twelve_Hours',
      'security-s3-bucket-public-read-prohibited': 'Twelve_Hours',
      'security-access-keys-rotated': 'One_Hour',
      'security-alb-desync-mode-check': undefined,
    });
    expect(rules.get('security-alb-desync-mode-check')).not.toHaveProperty('maximumExecutionFrequency');
  });

  test('a loaded rule, whole', async () => {
    const rules = await loadRules(yaml`
      defaults:
        maximumExecutionFrequency: TwentyFour_Hours
      rules:
        - name: security-access-keys-rotated
          identifier: ACCESS_KEYS_ROTATED
          description: Active IAM access keys are younger than 90 days.
          excludedAccounts: ['123456789012']
    `);
    expect(rules.get('security-access-keys-rotated')).toEqual({
      name: 'security-access-keys-rotated',
      category: 'security',
      identifier: 'ACCESS_KEYS_ROTATED',
      description: `Active IAM access keys are younger than 90 days. ${MARKER}`,
      parameters: { maxAccessKeyAge: '90' },
      maximumExecutionFrequency: 'TwentyFour_Hours',
      resourceTypesScope: [],
      excludedAccounts: ['123456789012'],
      regions: 'home',
    });
  });
});
