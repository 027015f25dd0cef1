import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ACCOUNTS_FILE, parseAccounts } from '../../src/load/accounts.js';
import {
  EXCEPTIONS_FILE,
  type ExceptionCheckContext,
  globToLike,
  parseExceptions,
  previousExceptions,
} from '../../src/load/exceptions.js';
import { builtInManagedRules } from '../../src/load/managed-rules.js';
import { ORG_FILE, parseOrg } from '../../src/load/org.js';
import { parseRules, RULES_FILE } from '../../src/load/rules.js';
import { YamlFile } from '../../src/load/yaml-file.js';
import type { Account, ExceptionSpec, RuleSpec } from '../../src/model/config.js';
import type { Diagnostic } from '../../src/model/diagnostics.js';
import { ACCOUNTS_YAML, ORG_YAML, saying, yaml } from './fixtures.js';

const FILE = 'config/exceptions.yaml';
const TODAY = '2026-11-28';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const FIXTURE_RULES = yaml`
  rules:
    - name: security-access-keys-rotated
      identifier: ACCESS_KEYS_ROTATED
    - name: security-s3-bucket-public-read-prohibited
      identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
    - name: security-s3-bucket-public-write-prohibited
      identifier: S3_BUCKET_PUBLIC_WRITE_PROHIBITED
    - name: cost-eip-attached
      identifier: EIP_ATTACHED
    - name: cost-ec2-volume-inuse-check
      identifier: EC2_VOLUME_INUSE_CHECK
`;

/** Parsed like the loader does, so the context is made of real model values. */
function loadContext(orgText: string, accountsText: string, rulesText: string) {
  const org = parseOrg(YamlFile.parse(ORG_FILE, orgText));
  const accountsFile = YamlFile.parse(ACCOUNTS_FILE, accountsText);
  const accounts = parseAccounts(accountsFile);
  const rulesFile = YamlFile.parse(RULES_FILE, rulesText);
  const rules = parseRules(rulesFile, org, accounts, builtInManagedRules(), { strict: true });
  const diagnostics = [...accountsFile.diagnostics, ...rulesFile.diagnostics];
  return { accounts: accounts as Account[], rules: rules as RuleSpec[], diagnostics };
}

const FIXTURE = loadContext(ORG_YAML, ACCOUNTS_YAML, FIXTURE_RULES);

function check(
  text: string,
  ctx: Partial<ExceptionCheckContext> = {},
): { specs: ExceptionSpec[] | undefined; diagnostics: Diagnostic[] } {
  const file = YamlFile.parse(FILE, text);
  const specs = parseExceptions(file, {
    accounts: FIXTURE.accounts,
    rules: FIXTURE.rules,
    today: TODAY,
    ...ctx,
  });
  return { specs, diagnostics: file.diagnostics };
}

const BASE: [string, string][] = [
  ['id', 'public-marketing-site'],
  ['rules', '[security-s3-bucket-public-read-prohibited]'],
  ['reason', 'Public static website served through CloudFront.'],
  ['owner', 'team-web'],
  ['expires', "'2027-03-31'"],
];

/**
 * exceptions.yaml with one exception, one field a line: id (line 2, value at column 9),
 * rules (3), reason (4), owner (5), expires (6), then any other field given, in order.
 * A value in `over` replaces the field's; null leaves the field out (later lines move up).
 * A value on a following line is at column length(key) + 7.
 */
function one(over: Record<string, string | null> = {}): string {
  const extra = Object.keys(over).filter((k) => !BASE.some(([b]) => b === k));
  const fields = [...BASE.map(([k]) => k), ...extra]
    .map((k) => [k, k in over ? over[k] : BASE.find(([b]) => b === k)?.[1]] as const)
    .filter((f): f is readonly [string, string] => typeof f[1] === 'string');
  return `exceptions:\n${fields.map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${v}`).join('\n')}\n`;
}

describe('config/exceptions.yaml: a valid file', () => {
  test('every field is read into the exception', () => {
    const { specs, diagnostics } = check(yaml`
      exceptions:
        - id: public-marketing-site
          rules: [security-s3-bucket-public-read-prohibited, 'security-s3-*']
          accounts: ['012345678901']
          resourceType: AWS::S3::*
          resourceId: 'www-*'
          tags: {website: public, env: prod}
          reason: >-
            Public static website
            served through CloudFront.
          owner: team-web
          ticket: SEC-1234
          expires: '2027-03-31'
    `);
    expect(diagnostics).toEqual([]);
    expect(specs).toStrictEqual([
      {
        id: 'public-marketing-site',
        rules: ['security-s3-bucket-public-read-prohibited', 'security-s3-*'],
        accounts: ['012345678901'],
        resourceType: 'AWS::S3::*',
        resourceId: 'www-*',
        tags: { website: 'public', env: 'prod' },
        reason: 'Public static website served through CloudFront.',
        owner: 'team-web',
        ticket: 'SEC-1234',
        expires: '2027-03-31',
      },
    ]);
  });

  test('optional fields left out: every account, no tags, nothing else set', () => {
    const { specs, diagnostics } = check(one({ owner: null, ticket: 'SEC-1' }));
    expect(diagnostics).toEqual([]);
    expect(specs).toStrictEqual([
      {
        id: 'public-marketing-site',
        rules: ['security-s3-bucket-public-read-prohibited'],
        accounts: [],
        tags: {},
        reason: 'Public static website served through CloudFront.',
        ticket: 'SEC-1',
        expires: '2027-03-31',
      },
    ]);
  });

  test('an empty file (what the caller passes for a missing one), no list, or an empty list: no exceptions', () => {
    for (const text of ['', '# nothing yet\n', 'exceptions:\n', 'exceptions: []\n']) {
      expect(check(text)).toEqual({ specs: [], diagnostics: [] });
    }
  });

  test('an unquoted date is a string in YAML 1.2 and is accepted', () => {
    const { specs, diagnostics } = check(one({ expires: '2027-03-31' }));
    expect(diagnostics).toEqual([]);
    expect(specs?.[0]?.expires).toBe('2027-03-31');
  });
});

describe('config/exceptions.yaml: shape', () => {
  test('a misspelled top-level key names the right one', () => {
    const { specs, diagnostics } = check('exception: []\n');
    expect(specs).toBeUndefined();
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        file: FILE,
        line: 1,
        column: 1,
        field: 'exception',
        message: saying("unknown key 'exception'", "did you mean 'exceptions'?", 'Valid keys: exceptions'),
      },
    ]);
  });

  test('exceptions given as a mapping instead of a list', () => {
    const { specs, diagnostics } = check('exceptions:\n  id: x\n');
    expect(specs).toBeUndefined();
    expect(diagnostics).toMatchObject([
      { line: 2, column: 3, field: 'exceptions', message: saying('expected a list', 'got a mapping') },
    ]);
  });

  test('a misspelled field is reported on its key; the field it meant is missing', () => {
    const { specs, diagnostics } = check(one({ reason: null, reasn: 'Public static website.' }));
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 2,
        column: 5,
        field: 'exceptions[0].reason',
        message: saying('required field is missing', 'expected a string'),
      },
      {
        severity: 'error',
        file: FILE,
        line: 6,
        column: 5,
        field: 'exceptions[0].reasn',
        message: saying(
          "unknown key 'reasn'",
          "did you mean 'reason'?",
          'Valid keys: id, rules, accounts, resourceType, resourceId, tags, reason, owner, ticket, expires',
        ),
      },
    ]);
  });

  test('rules given as a string instead of a list', () => {
    const { diagnostics } = check(one({ rules: 'security-s3-*' }));
    expect(diagnostics).toMatchObject([
      {
        line: 3,
        column: 12,
        field: 'exceptions[0].rules',
        message: saying('expected a list', "got the string 'security-s3-*'"),
      },
    ]);
  });

  test('a tag value that YAML reads as a boolean', () => {
    const { diagnostics } = check(one({ tags: '{public: true}' }));
    expect(diagnostics).toMatchObject([
      {
        line: 7,
        column: 20,
        field: 'exceptions[0].tags.public',
        message: saying('expected a string', 'got boolean true'),
      },
    ]);
  });

  test('an empty tag key and a tag value over 256 characters', () => {
    const { specs, diagnostics } = check(one({ tags: `{'': x, env: ${'v'.repeat(257)}}` }));
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        line: 7,
        column: 12,
        field: 'exceptions[0].tags.',
        message: saying('a tag key has 1 to 128 characters', "'' has 0"),
      },
      {
        line: 7,
        column: 24,
        field: 'exceptions[0].tags.env',
        message: saying('257 characters', 'at most 256'),
      },
    ]);
  });

  test('an entry that is not a mapping', () => {
    const { diagnostics } = check('exceptions:\n  - public-marketing-site\n');
    expect(diagnostics).toMatchObject([
      {
        line: 2,
        column: 5,
        field: 'exceptions[0]',
        message: saying('expected a mapping', "got the string 'public-marketing-site'"),
      },
    ]);
  });
});

describe('config/exceptions.yaml: id', () => {
  test('an id outside the pattern says what is valid', () => {
    const { specs, diagnostics } = check(one({ id: 'Public_Site' }));
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 2,
        column: 9,
        field: 'exceptions[0].id',
        message: saying("'Public_Site' is not a valid exception id", "lower-case letters, digits and '-'"),
      },
    ]);
  });

  test('a one-character id is too short', () => {
    const { diagnostics } = check(one({ id: 'a' }));
    expect(diagnostics).toMatchObject([{ field: 'exceptions[0].id', message: saying('2 to 63') }]);
  });

  test('an id used twice is reported on the second, naming the first line', () => {
    const { specs, diagnostics } = check(yaml`
      exceptions:
        - id: web
          rules: [cost-eip-attached]
          reason: Addresses kept for the failover plan.
          owner: team-web
          expires: '2027-03-31'
        - id: web
          rules: [cost-ec2-volume-inuse-check]
          reason: Volumes kept for the failover plan.
          owner: team-web
          expires: '2027-03-31'
    `);
    expect(specs?.map((s) => s.rules)).toEqual([['cost-eip-attached']]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 7,
        column: 9,
        field: 'exceptions[1].id',
        message: saying("exception id 'web' is used twice", '(first at line 2)'),
      },
    ]);
  });
});

describe('config/exceptions.yaml: rules', () => {
  test('an empty list asks for at least one rule', () => {
    const { diagnostics } = check(one({ rules: '[]' }));
    expect(diagnostics).toMatchObject([
      {
        line: 3,
        column: 12,
        field: 'exceptions[0].rules',
        message: saying('list at least one rule name', "'security-s3-*'"),
      },
    ]);
  });

  test('a misspelled rule name names the nearest catalog rules', () => {
    const { specs, diagnostics } = check(
      one({ rules: '[cost-eip-attached, security-s3-bucket-public-raed-prohibited]' }),
    );
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 3,
        column: 32,
        field: 'exceptions[0].rules[1]',
        message: saying(
          "'security-s3-bucket-public-raed-prohibited' is not a rule in config/rules.yaml",
          'nearest: security-s3-bucket-public-read-prohibited, security-s3-bucket-public-write-prohibited',
        ),
      },
    ]);
  });

  test('a pattern that matches no rule names the nearest rules it could have meant', () => {
    const { diagnostics } = check(one({ rules: "['security-s3-bukcet-*']" }));
    expect(diagnostics).toMatchObject([
      {
        line: 3,
        column: 13,
        field: 'exceptions[0].rules[0]',
        message: saying(
          "'security-s3-bukcet-*' matches no rule in config/rules.yaml",
          'nearest: security-s3-bucket-public-read-prohibited, security-s3-bucket-public-write-prohibited',
        ),
      },
    ]);
  });

  test('a name far from every rule says so', () => {
    const { diagnostics } = check(one({ rules: '[backup-everything]' }));
    expect(diagnostics).toMatchObject([
      { message: saying("'backup-everything' is not a rule in config/rules.yaml", 'no rule name is close') },
    ]);
  });

  test("'*' matches any run of characters, in the middle too; matching is case-sensitive", () => {
    expect(
      check(
        one({
          rules: "['*', 'cost-*', 'security-*-prohibited', 'security-s3-*']",
          resourceType: 'AWS::S3::Bucket',
        }),
      ).diagnostics,
    ).toEqual([]);
    expect(check(one({ rules: "['COST-*']" })).diagnostics).toMatchObject([
      { field: 'exceptions[0].rules[0]', message: saying("'COST-*' matches no rule", 'nearest: cost-') },
    ]);
  });

  test("'?' and other characters are not valid in a rule pattern", () => {
    const { diagnostics } = check(one({ rules: "['cost-eip-attache?', 'cost eip']" }));
    expect(diagnostics).toMatchObject([
      {
        line: 3,
        column: 13,
        field: 'exceptions[0].rules[0]',
        message: saying("characters not valid in a rule name: '?'", "'*' matches any run of characters"),
      },
      {
        line: 3,
        column: 34,
        field: 'exceptions[0].rules[1]',
        message: saying("characters not valid in a rule name: ' ' (space)"),
      },
    ]);
  });

  test('a rule listed twice', () => {
    const { diagnostics } = check(one({ rules: '[cost-eip-attached, cost-eip-attached]' }));
    expect(diagnostics).toMatchObject([
      {
        line: 3,
        column: 32,
        field: 'exceptions[0].rules[1]',
        message: saying("'cost-eip-attached' is listed twice (first at line 3)"),
      },
    ]);
  });

  test('without the catalog (rules.yaml broken) only the syntax is checked', () => {
    const { specs, diagnostics } = check(one({ rules: '[no-such-rule]' }), { rules: undefined });
    expect(diagnostics).toEqual([]);
    expect(specs?.[0]?.rules).toEqual(['no-such-rule']);
  });
});

describe('config/exceptions.yaml: an exception that covers everything', () => {
  const EVERYTHING =
    "exception 'public-marketing-site' covers every rule, every account and every resource: it would take the whole organization out of the score. Narrow it with accounts, resourceType, resourceId or tags; if that is really meant, say so with coversEverything: true";

  test('every rule (by patterns or by name), every account, no resource constraint: refused on rules', () => {
    const names = FIXTURE.rules.map((r) => r.name).join(', ');
    for (const rules of ["['*']", "['security-*', 'cost-*']", `[${names}]`]) {
      expect(check(one({ rules })).diagnostics, rules).toEqual([
        {
          severity: 'error',
          file: FILE,
          line: 3,
          column: 12,
          field: 'exceptions[0].rules',
          message: EVERYTHING,
        },
      ]);
    }
  });

  test('every account listed one by one, or globs that match every type and id, are no narrower', () => {
    const all = "['012345678901', '123456789012']";
    for (const over of [
      { accounts: all },
      { resourceType: "'AWS::*'" },
      { resourceType: "'*'", resourceId: "'*'" },
    ]) {
      expect(
        check(one({ rules: "['*']", ...over })).diagnostics.map((d) => d.message),
        JSON.stringify(over),
      ).toEqual([EVERYTHING]);
    }
  });

  test('one rule left out, one account, a type, an id or a tag narrows it', () => {
    for (const over of [
      { rules: "['security-*', 'cost-eip-attached']" },
      { rules: "['*']", accounts: "['012345678901']" },
      { rules: "['*']", resourceType: 'AWS::S3::*' },
      { rules: "['*']", resourceId: "'www-*'" },
      { rules: "['*']", tags: '{environment: sandbox}' },
    ]) {
      expect(check(one(over)).diagnostics, JSON.stringify(over)).toEqual([]);
    }
  });

  test('coversEverything: true lets it through, and is refused on an exception it does not describe', () => {
    const { specs, diagnostics } = check(one({ rules: "['*']", coversEverything: 'true' }));
    expect(diagnostics).toEqual([]);
    expect(specs?.[0]?.rules).toEqual(['*']);
    expect(check(one({ coversEverything: 'true' })).diagnostics).toEqual([
      {
        severity: 'error',
        file: FILE,
        line: 7,
        column: 23,
        field: 'exceptions[0].coversEverything',
        message:
          "exception 'public-marketing-site' does not cover everything (its rules, accounts, resourceType, resourceId or tags narrow it); remove coversEverything, which only acknowledges an exception that covers every rule, account and resource",
      },
    ]);
  });

  test('without the catalog only a pattern of * alone counts as every rule', () => {
    expect(check(one({ rules: "['*']" }), { rules: undefined }).diagnostics.map((d) => d.message)).toEqual([
      EVERYTHING,
    ]);
    expect(check(one({ rules: "['security-*', 'cost-*']" }), { rules: undefined }).diagnostics).toEqual([]);
  });
});

describe('config/exceptions.yaml: accounts', () => {
  test('an unquoted id asks to quote it', () => {
    const { diagnostics } = check(one({ accounts: '[012345678901]' }));
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 7,
        column: 16,
        field: 'exceptions[0].accounts[0]',
        message: saying('012345678901 is a number in YAML', "quote it: '012345678901'"),
      },
    ]);
  });

  test('an id that is not in accounts.yaml', () => {
    const { specs, diagnostics } = check(one({ accounts: "['012345678901', '999999999999']" }));
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        line: 7,
        column: 32,
        field: 'exceptions[0].accounts[1]',
        message: saying('account 999999999999 is not in config/accounts.yaml', 'discover --write'),
      },
    ]);
  });

  test('an id that is not 12 digits', () => {
    const { diagnostics } = check(one({ accounts: "['12345']" }));
    expect(diagnostics).toMatchObject([
      {
        field: 'exceptions[0].accounts[0]',
        message: saying("'12345' is not an account id", 'exactly 12 digits'),
      },
    ]);
  });

  test('an account listed twice', () => {
    const { diagnostics } = check(one({ accounts: "['012345678901', '012345678901']" }));
    expect(diagnostics).toMatchObject([
      {
        line: 7,
        column: 32,
        field: 'exceptions[0].accounts[1]',
        message: saying('account 012345678901 is listed twice (first at line 7)'),
      },
    ]);
  });

  test('without the account list (accounts.yaml broken) membership is not checked', () => {
    const { specs, diagnostics } = check(one({ accounts: "['999999999999']" }), { accounts: undefined });
    expect(diagnostics).toEqual([]);
    expect(specs?.[0]?.accounts).toEqual(['999999999999']);
  });
});

describe('config/exceptions.yaml: resource globs', () => {
  test('resource type globs with * and ? are valid', () => {
    for (const t of ['AWS::S3::Bucket', 'AWS::S3::*', 'AWS::EC2::?olume', "'*'"]) {
      expect(check(one({ resourceType: t })).diagnostics).toEqual([]);
    }
  });

  test('an unquoted glob starting with * is a YAML alias: asks to quote it', () => {
    const { specs, diagnostics } = check(one({ resourceId: '*-logs' }));
    expect(specs).toBeUndefined();
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 7,
        column: 17,
        field: 'exceptions[0].resourceId',
        message: saying('*-logs is read by YAML as an alias', "quote the value: '*-logs'"),
      },
    ]);
  });

  test('a resource type with characters outside types and globs', () => {
    const { diagnostics } = check(one({ resourceType: 'AWS::S3::[Bb]ucket' }));
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 7,
        column: 19,
        field: 'exceptions[0].resourceType',
        message: saying(
          "'AWS::S3::[Bb]ucket' has characters not valid in a resource type: '[' ']'",
          'AWS::S3::Bucket',
          'AWS::S3::*',
        ),
      },
    ]);
  });

  test('a resource type without a wildcard must be a whole type', () => {
    const { diagnostics } = check(one({ resourceType: 'S3::Bucket' }));
    expect(diagnostics).toMatchObject([
      {
        line: 7,
        column: 19,
        field: 'exceptions[0].resourceType',
        message: saying("'S3::Bucket' is not a resource type", 'such as AWS::S3::Bucket'),
      },
    ]);
  });

  test('resource id globs: ARNs, names and ids with * and ? are valid', () => {
    for (const id of ["'www-*'", 'i-0abc?def', 'arn:aws:iam::012345678901:role/deploy-*', "'100%_done'"]) {
      expect(check(one({ resourceId: id })).diagnostics).toEqual([]);
    }
  });

  test('a resource id with a space or a quote', () => {
    const { diagnostics } = check(one({ resourceId: '"www site\'s"' }));
    expect(diagnostics).toMatchObject([
      {
        line: 7,
        column: 17,
        field: 'exceptions[0].resourceId',
        message: saying(
          "has characters not valid in a resource id: ' ' (space) '''",
          "'*' any run of characters, '?' one character",
        ),
      },
    ]);
  });

  test('an empty glob asks to leave the field out', () => {
    const { diagnostics } = check(one({ resourceId: "''" }));
    expect(diagnostics).toMatchObject([
      {
        line: 7,
        column: 17,
        field: 'exceptions[0].resourceId',
        message: saying('empty; leave resourceId out'),
      },
    ]);
  });
});

describe('config/exceptions.yaml: reason, owner, ticket', () => {
  test('a reason shorter than 10 characters', () => {
    const { specs, diagnostics } = check(one({ reason: "'  ok     '" }));
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 4,
        column: 13,
        field: 'exceptions[0].reason',
        message: saying('2 characters', 'at least 10', 'why the exception is acceptable'),
      },
    ]);
  });

  test('a reason longer than 500 characters', () => {
    const { diagnostics } = check(one({ reason: 'x'.repeat(501) }));
    expect(diagnostics).toMatchObject([
      {
        line: 4,
        column: 13,
        field: 'exceptions[0].reason',
        message: saying('501 characters', 'the limit is 500'),
      },
    ]);
  });

  test('exactly 10 and exactly 500 characters are fine', () => {
    expect(check(one({ reason: 'x'.repeat(10) })).diagnostics).toEqual([]);
    expect(check(one({ reason: 'x'.repeat(500) })).diagnostics).toEqual([]);
  });

  test('neither owner nor ticket: reported on the exception', () => {
    const { specs, diagnostics } = check(one({ owner: null }));
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 2,
        column: 5,
        field: 'exceptions[0].owner',
        message: saying('owner or ticket is required', '(owner)', '(ticket)'),
      },
    ]);
  });

  test('an empty owner is not an owner', () => {
    const { diagnostics } = check(one({ owner: "''" }));
    expect(diagnostics).toMatchObject([
      { line: 5, column: 12, field: 'exceptions[0].owner', message: saying('expected a non-empty string') },
    ]);
  });
});

describe('config/exceptions.yaml: expires', () => {
  test('a day that does not exist', () => {
    const { specs, diagnostics } = check(one({ expires: "'2027-02-29'" }));
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 6,
        column: 14,
        field: 'exceptions[0].expires',
        message: saying("'2027-02-29' is not a calendar date", "expected a real date 'YYYY-MM-DD'"),
      },
    ]);
  });

  test('a date in another format', () => {
    const { diagnostics } = check(one({ expires: '31/03/2027' }));
    expect(diagnostics).toMatchObject([
      {
        line: 6,
        column: 14,
        field: 'exceptions[0].expires',
        message: saying("expected a date 'YYYY-MM-DD'", 'got "31/03/2027"'),
      },
    ]);
  });

  test('missing', () => {
    const { diagnostics } = check(one({ expires: null }));
    expect(diagnostics).toMatchObject([
      { line: 2, column: 5, field: 'exceptions[0].expires', message: saying('required field is missing') },
    ]);
  });
});

describe('config/exceptions.yaml: expiry', () => {
  const EXPIRED = one({ expires: "'2026-10-31'" });
  /** The exception in EXPIRED, as the base revision had it. */
  const BEFORE: ExceptionSpec = {
    id: 'public-marketing-site',
    rules: ['security-s3-bucket-public-read-prohibited'],
    accounts: [],
    tags: {},
    reason: 'Public static website served through CloudFront.',
    owner: 'team-web',
    expires: '2026-10-31',
  };

  test('with no base known, an expired exception counts as new: an error', () => {
    const { specs, diagnostics } = check(EXPIRED);
    expect(specs).toEqual([]);
    expect(diagnostics).toMatchObject([
      {
        severity: 'error',
        line: 6,
        column: 14,
        field: 'exceptions[0].expires',
        message: saying(
          '2026-10-31 is in the past',
          '(today is 2026-11-28)',
          'a new exception must expire today or later',
        ),
      },
    ]);
  });

  test('a new exception (id not in the base) that has expired: an error', () => {
    const { diagnostics } = check(EXPIRED, { previous: [{ ...BEFORE, id: 'another-one' }] });
    expect(diagnostics).toMatchObject([
      { severity: 'error', field: 'exceptions[0].expires', message: saying('a new exception must expire') },
    ]);
  });

  test('unchanged since the base and expired: a warning that it no longer applies; still returned', () => {
    const { specs, diagnostics } = check(EXPIRED, { previous: [BEFORE] });
    expect(diagnostics).toMatchObject([
      {
        severity: 'warning',
        line: 6,
        column: 14,
        field: 'exceptions[0].expires',
        message: saying('expired on 2026-10-31', 'no longer applies', 'remove the exception, or renew it'),
      },
    ]);
    expect(specs).toEqual([BEFORE]);
  });

  test('any changed field makes an expired exception an error', () => {
    const changes: Partial<ExceptionSpec>[] = [
      { reason: 'Another reason for this exception.' },
      { rules: ['security-s3-*'] },
      { accounts: ['012345678901'] },
      { tags: { website: 'public' } },
      { resourceId: 'www-*' },
      { ticket: 'SEC-1' },
      { owner: 'team-other' },
      { expires: '2026-09-30' },
    ];
    for (const change of changes) {
      const { diagnostics } = check(EXPIRED, { previous: [{ ...BEFORE, ...change }] });
      expect(diagnostics).toMatchObject([
        {
          severity: 'error',
          field: 'exceptions[0].expires',
          message: saying('2026-10-31 is in the past', 'a changed exception must expire today or later'),
        },
      ]);
    }
  });

  test('the base parsed with previousExceptions: unchanged text warns, a moved expiry in the past is an error', () => {
    expect(check(EXPIRED, { previous: previousExceptions(EXPIRED) }).diagnostics).toMatchObject([
      { severity: 'warning', message: saying('expired on 2026-10-31') },
    ]);
    const base = one({ expires: "'2026-09-30'" });
    expect(check(EXPIRED, { previous: previousExceptions(base) }).diagnostics).toMatchObject([
      { severity: 'error', message: saying('a changed exception') },
    ]);
    // Renewing it into the future is what fixes it.
    expect(check(one(), { previous: previousExceptions(EXPIRED) }).diagnostics).toEqual([]);
  });

  test('listing the same rules in another order is not a change', () => {
    const text = one({ expires: "'2026-10-31'", rules: '[cost-eip-attached, cost-ec2-volume-inuse-check]' });
    const { diagnostics } = check(text, {
      previous: [{ ...BEFORE, rules: ['cost-ec2-volume-inuse-check', 'cost-eip-attached'] }],
    });
    expect(diagnostics).toMatchObject([{ severity: 'warning', message: saying('expired on 2026-10-31') }]);
  });

  test('expired yesterday is in the past; expiring today is still valid, on its last day', () => {
    expect(check(one({ expires: "'2026-11-27'" })).diagnostics).toMatchObject([
      { severity: 'error', message: saying('2026-11-27 is in the past') },
    ]);
    const { specs, diagnostics } = check(one({ expires: "'2026-11-28'" }));
    expect(specs).toHaveLength(1);
    expect(diagnostics).toMatchObject([
      {
        severity: 'warning',
        line: 6,
        column: 14,
        field: 'exceptions[0].expires',
        message: saying('expires on 2026-11-28', 'today is its last day'),
      },
    ]);
  });

  test('expiring within 30 days: a warning naming the date and the days left', () => {
    const { specs, diagnostics } = check(one({ expires: "'2026-12-10'" }));
    expect(specs).toHaveLength(1);
    expect(diagnostics).toMatchObject([
      {
        severity: 'warning',
        line: 6,
        column: 14,
        field: 'exceptions[0].expires',
        message: saying('expires on 2026-12-10', '12 days left', 'renew it'),
      },
    ]);
    expect(check(one({ expires: "'2026-11-29'" })).diagnostics).toMatchObject([
      { severity: 'warning', message: saying('1 day left') },
    ]);
    expect(check(one({ expires: "'2026-12-27'" })).diagnostics).toMatchObject([
      { severity: 'warning', message: saying('29 days left') },
    ]);
    // today + 30 is outside the window.
    expect(check(one({ expires: "'2026-12-28'" })).diagnostics).toEqual([]);
  });

  test('warnDays sets the window', () => {
    expect(check(one({ expires: "'2026-12-10'" }), { warnDays: 7 }).diagnostics).toEqual([]);
    expect(check(one({ expires: "'2027-01-20'" }), { warnDays: 60 }).diagnostics).toMatchObject([
      { severity: 'warning', message: saying('expires on 2027-01-20', '53 days left') },
    ]);
  });
});

describe('previousExceptions', () => {
  test('no base text: no base known', () => {
    expect(previousExceptions(undefined)).toBeUndefined();
  });

  test('an empty, broken or wrongly shaped base has no exceptions', () => {
    expect(previousExceptions('')).toEqual([]);
    expect(previousExceptions('exceptions: [\n')).toEqual([]);
    expect(previousExceptions('exceptions: {id: x}\n')).toEqual([]);
  });

  test('reads what parseExceptions reads, without diagnostics, skipping broken entries', () => {
    const text = yaml`
      exceptions:
        - id: good
          rules: [cost-*]
          accounts: ['012345678901']
          tags: {env: dev}
          reason: Sandbox resources are wiped nightly.
          ticket: FINOPS-1
          expires: '2026-01-31'
        - id: no-reason
          rules: [cost-*]
          owner: team-web
          expires: '2027-01-31'
        - id: unquoted-account
          rules: [cost-*]
          accounts: [123456789012]
          reason: Sandbox resources are wiped nightly.
          owner: team-web
          expires: '2027-01-31'
        - id: good
          rules: [security-*]
          reason: A second entry with the same id.
          owner: team-web
          expires: '2027-01-31'
    `;
    expect(previousExceptions(text)).toStrictEqual([
      {
        id: 'good',
        rules: ['cost-*'],
        accounts: ['012345678901'],
        tags: { env: 'dev' },
        reason: 'Sandbox resources are wiped nightly.',
        ticket: 'FINOPS-1',
        expires: '2026-01-31',
      },
    ]);
  });
});

describe('globToLike', () => {
  test.each([
    ['www-*', 'www-%'],
    ['a_b?', 'a\\_b_'],
    ['100%', '100\\%'],
    ['back\\slash', 'back\\\\slash'],
    ['AWS::S3::*', 'AWS::S3::%'],
    ['security-s3-*-prohibited', 'security-s3-%-prohibited'],
    ['exact', 'exact'],
  ])('%s → %s', (glob, like) => {
    expect(globToLike(glob)).toBe(like);
  });
});

describe('the shipped config/exceptions.yaml', () => {
  async function shipped() {
    const read = (f: string) => readFile(new URL(f, `file://${REPO_ROOT}/`), 'utf8');
    const [org, accounts, rules, exceptions] = await Promise.all([
      read(ORG_FILE),
      read(ACCOUNTS_FILE),
      read(RULES_FILE),
      read(EXCEPTIONS_FILE),
    ]);
    return { ctx: loadContext(org, accounts, rules), text: exceptions };
  }

  test('loads with no error and no warning against the shipped config', async () => {
    const { ctx, text } = await shipped();
    expect(ctx.diagnostics).toEqual([]);
    const file = YamlFile.parse(EXCEPTIONS_FILE, text);
    const specs = parseExceptions(file, { accounts: ctx.accounts, rules: ctx.rules, today: TODAY });
    expect(file.diagnostics).toEqual([]);
    expect(specs?.length).toBeGreaterThanOrEqual(2);
    expect(specs?.length).toBeLessThanOrEqual(3);
    for (const s of specs ?? []) {
      expect(s.expires.startsWith('2027-')).toBe(true);
    }
    // One is narrow: one account, one resource.
    expect(
      specs?.some((s) => s.accounts.length === 1 && s.resourceId !== undefined && !/[*?]/.test(s.resourceId)),
    ).toBe(true);
    // Unchanged against itself as the base.
    expect(previousExceptions(text)).toEqual(specs);
  });
});
