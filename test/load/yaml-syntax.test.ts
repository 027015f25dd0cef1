import { describe, expect, test } from 'vitest';
import { YamlFile } from '../../src/load/yaml-file.js';
import { loadFixture, saying, yaml } from './fixtures.js';

describe('a YAML syntax error is reported where it is, and nothing is loaded', () => {
  test('config/org.yaml: a key indented by one space', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions:
          - eu-west-1
         homeRegion: eu-west-1
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'config/org.yaml',
        line: 4,
        column: 1,
        field: '',
        message: saying('YAML syntax', 'All mapping items must start at the same column'),
      },
    ]);
  });

  test('config/accounts.yaml: an unclosed quote is reported at its opening quote, not at the end of the file', async () => {
    const result = await loadFixture({
      accounts: yaml`
        accounts:
          - id: '012345678901
            name: log-archive
            state: ACTIVE
            ou: /Root/Security
            joined: '2023-01-10'
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'config/accounts.yaml',
        line: 2,
        column: 9,
        field: '',
        message: saying('YAML syntax', "Missing closing 'quote"),
      },
    ]);
  });

  test('config/rules.yaml: an unclosed double quote in the middle of the file', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-root-account-mfa-enabled
            identifier: ROOT_ACCOUNT_MFA_ENABLED
            description: "The root user has MFA.
          - name: security-iam-root-access-key-check
            identifier: IAM_ROOT_ACCESS_KEY_CHECK
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'config/rules.yaml',
        line: 4,
        column: 18,
        field: '',
        message: saying('YAML syntax', 'Missing closing "quote'),
      },
    ]);
  });

  test('config/rules.yaml: a rule key indented by one space too few', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-root-account-mfa-enabled
            identifier: ROOT_ACCOUNT_MFA_ENABLED
           regions: home
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'config/rules.yaml',
        line: 4,
        column: 1,
        field: '',
        message: saying('YAML syntax'),
      },
    ]);
  });

  test('config/org.yaml: a key given twice', () => {
    const file = YamlFile.parse(
      'config/org.yaml',
      yaml`
        organizationId: o-a1b2c3d4e5
        homeRegion: eu-west-1
        homeRegion: us-east-1
      `,
    );
    expect(file.ok).toBe(false);
    expect(file.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: 'config/org.yaml',
        line: 3,
        column: 1,
        message: saying('YAML syntax', 'unique'),
      },
    ]);
  });

  test('an unquoted value starting with * is reported where it is written, not thrown', () => {
    const file = YamlFile.parse(
      'config/exceptions.yaml',
      'exceptions:\n  - id: logs\n    resourceId: *-logs\n',
    );
    expect(file.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'config/exceptions.yaml',
        line: 3,
        column: 17,
        field: 'exceptions[0].resourceId',
        message:
          "*-logs is read by YAML as an alias of an anchor '&-logs' that is not defined; quote the value: '*-logs'",
      },
    ]);
  });
});
