import { describe, expect, test } from 'vitest';
import { parseAccounts } from '../../src/load/accounts.js';
import { YamlFile } from '../../src/load/yaml-file.js';
import { errors, loadFixture, saying, yaml } from './fixtures.js';

const ACCOUNTS = 'config/accounts.yaml';

/** accounts.yaml with one account whose `id:` line is written as given (line 2, value at column 9). */
function oneAccount(idLine: string): string {
  return yaml`
    accounts:
      - ${idLine}
        name: log-archive
        state: ACTIVE
        ou: /Root/Security
        joined: '2023-01-10'
  `;
}

describe('config/accounts.yaml', () => {
  test('a misspelled account key is an error on the key; fields a person added are kept', async () => {
    const result = await loadFixture({
      accounts: yaml`
        accounts:
          - id: '012345678901'
            nmae: log-archive
            state: ACTIVE
            ou: /Root/Security
            joined: '2023-01-10'
            owner: team-platform
            cost-centre: 4711
            note: keeps the organization trail
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(errors(result)).toMatchObject([
      {
        severity: 'error',
        file: ACCOUNTS,
        line: 3,
        column: 5,
        field: 'accounts[0].nmae',
        message: saying(
          "unknown key 'nmae'",
          "did you mean 'name'?",
          'other keys are kept as your own fields',
        ),
      },
      // `name` itself is then missing; reported on the account's mapping.
      {
        file: ACCOUNTS,
        line: 2,
        column: 5,
        field: 'accounts[0].name',
        message: saying('required field is missing'),
      },
    ]);
  });

  test('fields a person added are kept in extra and are not errors', () => {
    const file = YamlFile.parse(
      ACCOUNTS,
      yaml`
        accounts:
          - id: '012345678901'
            name: log-archive
            state: CLOSED
            ou: /Root/Suspended
            joined: '2023-01-10'
            closed: '2026-10-01'
            owner: team-platform
            cost-centre: 4711
            note: keeps the organization trail
            site: dublin
            contacts: [alice, bob]
      `,
    );
    expect(parseAccounts(file)).toEqual([
      {
        id: '012345678901',
        name: 'log-archive',
        state: 'CLOSED',
        ouPath: '/Root/Suspended',
        joined: '2023-01-10',
        closed: '2026-10-01',
        extra: {
          owner: 'team-platform',
          'cost-centre': 4711,
          note: 'keeps the organization trail',
          site: 'dublin',
          contacts: ['alice', 'bob'],
        },
      },
    ]);
    expect(file.diagnostics).toEqual([]);
  });

  test('an unquoted id with a leading zero is an error asking to quote it, never silently fixed', async () => {
    const result = await loadFixture({ accounts: oneAccount('id: 012345678901') });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ACCOUNTS,
        line: 2,
        column: 9,
        field: 'accounts[0].id',
        message: saying(
          '012345678901 is a number in YAML',
          'drops leading zeros',
          "quote it: '012345678901'",
        ),
      },
    ]);
  });

  test('an unquoted id without a leading zero is an error too', async () => {
    const result = await loadFixture({ accounts: oneAccount('id: 123456789012') });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ACCOUNTS,
        line: 2,
        column: 9,
        field: 'accounts[0].id',
        message: saying('123456789012 is a number in YAML', "quote it: '123456789012'"),
      },
    ]);
  });

  test('an id of 11 digits', async () => {
    const result = await loadFixture({ accounts: oneAccount("id: '12345678901'") });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ACCOUNTS,
        line: 2,
        column: 9,
        field: 'accounts[0].id',
        message: saying("'12345678901' is not an account id", 'expected exactly 12 digits'),
      },
    ]);
  });

  test('an id with a letter in it', async () => {
    const result = await loadFixture({ accounts: oneAccount("id: '01234567890a'") });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ACCOUNTS,
        line: 2,
        column: 9,
        field: 'accounts[0].id',
        message: saying("'01234567890a' is not an account id", 'expected exactly 12 digits'),
      },
    ]);
  });

  test('an id listed twice names the line of the first', async () => {
    const result = await loadFixture({
      accounts: yaml`
        accounts:
          - id: '012345678901'
            name: log-archive
            state: ACTIVE
            ou: /Root/Security
            joined: '2023-01-10'
          - id: '012345678901'
            name: log-archive-again
            state: ACTIVE
            ou: /Root/Security
            joined: '2023-01-10'
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ACCOUNTS,
        line: 7,
        column: 9,
        field: 'accounts[1].id',
        message: saying('account 012345678901 is listed twice', '(first at line 2)'),
      },
    ]);
  });

  test('a state that is not an Organizations account state lists the valid ones', async () => {
    const result = await loadFixture({
      accounts: yaml`
        accounts:
          - id: '012345678901'
            name: log-archive
            state: Active
            ou: /Root/Security
            joined: '2023-01-10'
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ACCOUNTS,
        line: 4,
        column: 12,
        field: 'accounts[0].state',
        message: saying(
          "'Active' is not an account state",
          'valid: PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED',
        ),
      },
    ]);
  });
});
