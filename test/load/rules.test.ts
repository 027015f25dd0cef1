import { describe, expect, test } from 'vitest';
import { at, errors, loadFixture, saying, warnings, yaml } from './fixtures.js';

const RULES = 'config/rules.yaml';

describe('config/rules.yaml: shape', () => {
  test('parameters given as a list instead of a mapping', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-access-keys-rotated
            identifier: ACCESS_KEYS_ROTATED
            parameters:
              - maxAccessKeyAge: 90
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 5,
        column: 7,
        field: 'rules[0].parameters',
        message: saying('expected a mapping', 'got a list'),
      },
    ]);
  });

  test('a misspelled rule key is reported on the key, naming the right one', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-root-account-mfa-enabled
            identifer: ROOT_ACCOUNT_MFA_ENABLED
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(at(result, 'rules[0].identifer')).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 3,
        column: 5,
        message: saying(
          "unknown key 'identifer'",
          "did you mean 'identifier'?",
          'Valid keys: name, identifier, description, regions, parameters, maximumExecutionFrequency',
        ),
      },
    ]);
  });
});

describe('config/rules.yaml: excludedAccounts', () => {
  /** A rule excluding the entries as written; the first is on line 5, each value at column 9. */
  function excluding(...entries: string[]): string {
    const rule = yaml`
      rules:
        - name: security-s3-bucket-public-read-prohibited
          identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
          excludedAccounts:
    `;
    return rule + entries.map((e) => `      - ${e}\n`).join('');
  }

  test('an unquoted id with a leading zero asks to quote it, and nothing is loaded', async () => {
    const result = await loadFixture({ rules: excluding('012345678901') });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 5,
        column: 9,
        field: 'rules[0].excludedAccounts[0]',
        message: saying('012345678901 is a number in YAML', "quote it: '012345678901'"),
      },
    ]);
  });

  test('an unquoted id without a leading zero is an error too', async () => {
    const result = await loadFixture({ rules: excluding('123456789012') });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        file: RULES,
        line: 5,
        column: 9,
        field: 'rules[0].excludedAccounts[0]',
        message: saying('123456789012 is a number in YAML', "quote it: '123456789012'"),
      },
    ]);
  });

  test('ids of 11 digits or with a letter', async () => {
    const result = await loadFixture({ rules: excluding("'12345678901'", "'01234567890a'") });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        file: RULES,
        line: 5,
        column: 9,
        field: 'rules[0].excludedAccounts[0]',
        message: saying("'12345678901' is not an account id", 'expected exactly 12 digits'),
      },
      {
        file: RULES,
        line: 6,
        column: 9,
        field: 'rules[0].excludedAccounts[1]',
        message: saying("'01234567890a' is not an account id", 'expected exactly 12 digits'),
      },
    ]);
  });

  test('an id listed twice names the line of the first', async () => {
    const result = await loadFixture({
      rules: excluding("'012345678901'", "'123456789012'", "'012345678901'"),
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 7,
        column: 9,
        field: 'rules[0].excludedAccounts[2]',
        message: saying('account 012345678901 is listed twice', '(first at line 5)'),
      },
    ]);
  });

  test('an account that is not in accounts.yaml is named, with a hint to run discover --write', async () => {
    const result = await loadFixture({ rules: excluding("'012345678901'", "'999999999999'") });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 6,
        column: 9,
        field: 'rules[0].excludedAccounts[1]',
        message: saying(
          'account 999999999999 is not in config/accounts.yaml',
          "'org-compliance discover --write'",
        ),
      },
    ]);
  });

  test('an account with an error in accounts.yaml is not reported again as unknown', async () => {
    const result = await loadFixture({
      accounts: yaml`
        accounts:
          - id: '012345678901'
            name: log-archive
            state: ACTIVE
            ou: Security
            joined: '2023-01-10'
      `,
      rules: excluding("'012345678901'"),
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        file: 'config/accounts.yaml',
        line: 5,
        column: 9,
        field: 'accounts[0].ou',
        message: saying("expected an OU path from the root such as '/Root/Workloads'", "got 'Security'"),
      },
    ]);
  });

  test('valid exclusions are loaded sorted', async () => {
    const result = await loadFixture({ rules: excluding("'123456789012'", "'012345678901'") });
    expect(result.diagnostics).toEqual([]);
    expect(result.repository?.rules[0]?.excludedAccounts).toEqual(['012345678901', '123456789012']);
  });
});

describe('config/rules.yaml: rule names', () => {
  test('a character outside [A-Za-z0-9-_]', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3.public
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 2,
        column: 11,
        field: 'rules[0].name',
        message: saying("'security-s3.public' has characters outside [A-Za-z0-9-_]", "'.'"),
      },
    ]);
  });

  test('a name over 64 characters reports its length and the limit', async () => {
    const name = `security-${'s3-bucket-public-read-prohibited-'.repeat(2)}x`; // 9 + 66 + 1 = 76
    expect(name).toHaveLength(76);
    const result = await loadFixture({
      rules: yaml`
        rules:
          - identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
            name: ${name}
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 3,
        column: 11,
        field: 'rules[0].name',
        message: saying(`'${name}' is 76 characters`, 'the limit is 64'),
      },
    ]);
  });

  test('a name of exactly 64 characters is fine', async () => {
    const name = `cost-${'x'.repeat(59)}`;
    expect(name).toHaveLength(64);
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: ${name}
            identifier: EIP_ATTACHED
      `,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.repository?.rules.map((r) => r.name)).toEqual([name]);
  });

  test('a name without a category prefix lists the five prefixes', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: networking-foo
            identifier: VPC_FLOW_LOGS_ENABLED
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 2,
        column: 11,
        field: 'rules[0].name',
        message: saying(
          "'networking-foo' does not start with a category prefix",
          'security-, cost-, performance-, backup-, deletion-protection-',
        ),
      },
    ]);
  });

  test('a name defined twice names the line of the first', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-public-buckets
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
          - name: security-public-buckets
            identifier: S3_BUCKET_PUBLIC_WRITE_PROHIBITED
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 11,
        field: 'rules[1].name',
        message: saying("rule 'security-public-buckets' is defined twice", '(first at line 2)'),
      },
    ]);
  });
});

describe('config/rules.yaml: managed rules', () => {
  const misspelled = yaml`
    rules:
      - name: security-s3-bucket-public-read-prohibited
        identifier: S3_BUCKET_PUBLIC_READ_PROHIBITTED
  `;

  test('an unknown identifier is a warning naming the nearest known identifiers', async () => {
    const result = await loadFixture({ rules: misspelled });
    expect(errors(result)).toEqual([]);
    expect(warnings(result)).toMatchObject([
      {
        severity: 'warning',
        file: RULES,
        line: 3,
        column: 17,
        field: 'rules[0].identifier',
        message: saying(
          "'S3_BUCKET_PUBLIC_READ_PROHIBITTED' is not a known AWS Config managed rule identifier",
          'nearest: S3_BUCKET_PUBLIC_READ_PROHIBITED',
        ),
      },
    ]);
    // A warning does not stop loading: AWS may know rules newer than the shipped facts.
    expect(result.repository?.rules.map((r) => r.identifier)).toEqual(['S3_BUCKET_PUBLIC_READ_PROHIBITTED']);
  });

  test('an unknown identifier is an error with strict', async () => {
    const result = await loadFixture({ rules: misspelled }, { strict: true });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 3,
        column: 17,
        field: 'rules[0].identifier',
        message: saying('not a known AWS Config managed rule identifier', 'S3_BUCKET_PUBLIC_READ_PROHIBITED'),
      },
    ]);
  });

  test('a parameter the rule does not document is reported on its key, listing the valid names', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-access-keys-rotated
            identifier: ACCESS_KEYS_ROTATED
            parameters:
              maxAccessKeyAgee: 90
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 5,
        column: 7,
        field: 'rules[0].parameters.maxAccessKeyAgee',
        message: saying(
          "'maxAccessKeyAgee' is not a parameter of ACCESS_KEYS_ROTATED",
          "did you mean 'maxAccessKeyAge'?",
          'Valid: maxAccessKeyAge',
        ),
      },
    ]);
  });

  test('a parameter given to a rule that takes none says so', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-root-account-mfa-enabled
            identifier: ROOT_ACCOUNT_MFA_ENABLED
            parameters:
              hardware: true
      `,
    });
    expect(result.diagnostics).toMatchObject([
      {
        line: 5,
        column: 7,
        field: 'rules[0].parameters.hardware',
        message: saying(
          "'hardware' is not a parameter of ROOT_ACCOUNT_MFA_ENABLED",
          'this rule takes no parameters',
        ),
      },
    ]);
  });

  test('a required parameter without a default that is not set', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-alb-desync-mode-check
            identifier: ALB_DESYNC_MODE_CHECK
          - name: security-approved-amis-by-id
            identifier: APPROVED_AMIS_BY_ID
            parameters: {}
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 3,
        column: 17,
        field: 'rules[0].identifier',
        message: saying(
          "ALB_DESYNC_MODE_CHECK requires parameter 'desyncMode' (csv)",
          'set it under parameters',
        ),
      },
      {
        severity: 'error',
        file: RULES,
        line: 6,
        column: 17,
        field: 'rules[1].parameters',
        message: saying("APPROVED_AMIS_BY_ID requires parameter 'amiIds' (csv)", 'set it under parameters'),
      },
    ]);
  });

  test('an int parameter given words', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-access-keys-rotated
            identifier: ACCESS_KEYS_ROTATED
            parameters:
              maxAccessKeyAge: "ninety"
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 5,
        column: 24,
        field: 'rules[0].parameters.maxAccessKeyAge',
        message: saying("parameter 'maxAccessKeyAge' is an int", 'expected a whole number', 'got "ninety"'),
      },
    ]);
  });

  test('a boolean parameter given something else', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: cost-ec2-volume-inuse-check
            identifier: EC2_VOLUME_INUSE_CHECK
            parameters:
              deleteOnTermination: yes
      `,
    });
    expect(result.diagnostics).toMatchObject([
      {
        line: 5,
        column: 28,
        field: 'rules[0].parameters.deleteOnTermination',
        message: saying("parameter 'deleteOnTermination' is a boolean", 'write true or false', 'got "yes"'),
      },
    ]);
  });

  test('InputParameters over 1024 characters of JSON reports the length and the limit', async () => {
    // {"amiIds":"…"} is 13 characters around the value.
    const fits = 'a'.repeat(1024 - 13);
    const ok = await loadFixture({
      rules: yaml`
        rules:
          - name: security-approved-amis-by-id
            identifier: APPROVED_AMIS_BY_ID
            parameters:
              amiIds: ${fits}
      `,
    });
    expect(ok.diagnostics).toEqual([]);

    const amis = Array.from({ length: 50 }, (_, i) => `ami-${String(i).padStart(17, '0')}`);
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-approved-amis-by-id
            identifier: APPROVED_AMIS_BY_ID
            parameters:
              amiIds: [${amis.join(', ')}]
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 5,
        column: 7,
        field: 'rules[0].parameters',
        message: saying('InputParameters would be 1112 characters of JSON', 'the limit is 1024'),
      },
    ]);
  });

  test('an execution frequency that does not exist lists the five valid values', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-access-keys-rotated
            identifier: ACCESS_KEYS_ROTATED
            maximumExecutionFrequency: Daily
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 32,
        field: 'rules[0].maximumExecutionFrequency',
        message: saying(
          "'Daily' is not an execution frequency",
          'One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours',
        ),
      },
    ]);
  });

  test('the default execution frequency is checked too', async () => {
    const result = await loadFixture({
      rules: yaml`
        defaults:
          maximumExecutionFrequency: 24h
        rules: []
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        file: RULES,
        line: 2,
        column: 30,
        field: 'defaults.maximumExecutionFrequency',
        message: saying("'24h' is not an execution frequency", 'TwentyFour_Hours'),
      },
    ]);
  });

  test('an execution frequency on a rule triggered by configuration changes only', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-alb-desync-mode-check
            identifier: ALB_DESYNC_MODE_CHECK
            parameters:
              desyncMode: [defensive, strictest]
            maximumExecutionFrequency: One_Hour
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES,
        line: 6,
        column: 32,
        field: 'rules[0].maximumExecutionFrequency',
        message: saying(
          'ALB_DESYNC_MODE_CHECK is triggered by configuration changes only',
          'remove maximumExecutionFrequency',
        ),
      },
    ]);
  });
});
