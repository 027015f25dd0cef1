/**
 * The row lines the Parquet writer reads (src/compact/extract.ts rowLines): one JSON object per
 * row in the short form, whatever the strings hold (quotes, backslashes, control characters,
 * characters outside the BMP, a lone surrogate), read back as the same values.
 */
import { describe, expect, it } from 'vitest';
import { rowLines } from '../../src/compact/extract.js';
import type { CompactRow } from '../../src/compact/rows.js';

const row = (over: Partial<CompactRow>): CompactRow => ({
  account_id: '111111111111',
  region: 'eu-west-1',
  member_rule_name: 'OrgConfigRule-security-restricted-ssh-abc123',
  org_rule_name: 'security-restricted-ssh',
  resource_type: 'AWS::EC2::SecurityGroup',
  resource_id: 'sg-0123',
  compliance_type: 'NON_COMPLIANT',
  tags: null,
  ...over,
});

describe('row lines', () => {
  it('are one JSON object per row naming the file by position, the values unchanged', () => {
    const rows = [
      row({}),
      row({ resource_id: 'arn:aws:s3:::a"b\\c', tags: { 'Owner "x"': 'a\nb', Environment: 'prod' } }),
      row({
        member_rule_name: 'custom\u0001rule\u2028😀',
        org_rule_name: null,
        resource_id: 'lone \ud800 half',
      }),
    ];
    const lines = rowLines(rows, 7).split('\n');
    expect(lines.at(-1)).toBe('');
    const read = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(read.map((r) => r.f)).toEqual([7, 7, 7]);
    expect(read.map((r) => [r.m, r.o, r.t, r.i, r.c, r.g])).toEqual(
      rows.map((r) => [
        // An organization rule's member name is not written: its own name is `o`.
        r.org_rule_name === null ? r.member_rule_name : null,
        r.org_rule_name,
        r.resource_type,
        // A lone surrogate cannot be UTF-8: JSON.stringify escapes it, JSON.parse gives it back.
        r.resource_id,
        r.compliance_type,
        r.tags,
      ]),
    );
    expect(lines[0]).toBe(
      '{"f":7,"m":null,"o":"security-restricted-ssh","t":"AWS::EC2::SecurityGroup","i":"sg-0123","c":"NON_COMPLIANT","g":null}',
    );
  });
});
