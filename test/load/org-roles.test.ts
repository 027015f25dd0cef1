/**
 * config/org.yaml `roles.data.compact`: the role `compact` assumes (the nightly job). Optional: a
 * set-up without it validates as before, with nothing said, and compaction keeps the write role.
 */
import { describe, expect, test } from 'vitest';
import { errors, loadFixture, ORG_YAML, saying, yaml } from './fixtures.js';

const ORG = 'config/org.yaml';
const READ = 'arn:aws:iam::222222222222:role/org-compliance-data-read';
const WRITE = 'arn:aws:iam::222222222222:role/org-compliance-data-write';
const COMPACT = 'arn:aws:iam::222222222222:role/org-compliance-data-compact';

/** The valid fixture with roles.data; `extra` lines go under it as written (line 18 is the first). */
const withDataRoles = (...extra: string[]) =>
  `${ORG_YAML}${yaml`
    roles:
      data:
        read: ${READ}
        write: ${WRITE}
  `}${extra.map((line) => `    ${line}\n`).join('')}`;

describe('config/org.yaml roles.data.compact', () => {
  test('is kept when given, beside read and write', async () => {
    const result = await loadFixture({ org: withDataRoles(`compact: ${COMPACT}`) });
    expect(result.diagnostics).toEqual([]);
    expect(result.repository?.org.roles).toStrictEqual({
      data: { read: READ, write: WRITE, compact: COMPACT },
    });
  });

  test('may be left out: nothing is said, and the roles hold no compact key (compact falls back to write)', async () => {
    const result = await loadFixture({ org: withDataRoles() });
    expect(result.diagnostics).toEqual([]);
    expect(result.repository?.org.roles).toStrictEqual({ data: { read: READ, write: WRITE } });
  });

  test('a value that is not an IAM role ARN is refused at its line, naming the field', async () => {
    const result = await loadFixture({
      org: withDataRoles('compact: arn:aws:iam::222222222222:user/nightly'),
    });
    expect(result.repository).toBeUndefined();
    expect(errors(result)).toMatchObject([
      {
        file: ORG,
        line: 20,
        column: 14,
        field: 'roles.data.compact',
        message: saying('expected an IAM role ARN', 'arn:aws:iam::111111111111:role/org-compliance-read'),
      },
    ]);
  });

  test('a misspelt key is refused, not taken for the compact role', async () => {
    const result = await loadFixture({ org: withDataRoles(`compaction: ${COMPACT}`) });
    expect(result.repository).toBeUndefined();
    expect(errors(result)).toMatchObject([
      {
        file: ORG,
        line: 20,
        field: 'roles.data.compaction',
        message: "unknown key 'compaction'; did you mean 'compact'? Valid keys: read, write, compact",
      },
    ]);
  });

  test('is no role pair of its own: roles.data still needs read and write', async () => {
    const result = await loadFixture({
      org: `${ORG_YAML}${yaml`
        roles:
          data:
            compact: ${COMPACT}
      `}`,
    });
    expect(result.repository).toBeUndefined();
    expect(errors(result).map((d) => d.field)).toEqual(['roles.data.read', 'roles.data.write']);
  });
});
