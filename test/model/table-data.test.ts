import { describe, expect, it } from 'vitest';
import type { TableCell, TableDataProperties } from '../../src/model/resources.js';
import {
  decodeJsonLines,
  describeTableData,
  encodeJsonLines,
  parseS3Uri,
  sortRows,
} from '../../src/model/table-data.js';

const COLUMNS = ['account_id', 'account_name', 'state', 'in_projection', 'tag_count'];

function accounts(rows: TableDataProperties['rows']): TableDataProperties {
  return {
    table: 'org_compliance.ref_accounts',
    location: 's3://acme-config-snapshots/org-compliance/reference/ref_accounts/ref_accounts.json',
    columns: COLUMNS,
    keyColumn: 'account_id',
    rows,
  };
}

const A: TableCell[] = ['111111111111', 'payments-prod', 'ACTIVE', true, 1];
const B: TableCell[] = ['222222222222', 'claims-dev', 'ACTIVE', true, 0];

describe('JSON lines', () => {
  it('one object per line, keys in column order, and back to the same rows', () => {
    const text = encodeJsonLines(COLUMNS, [A, [...B.slice(0, 4), null]]);
    expect(text).toBe(
      '{"account_id":"111111111111","account_name":"payments-prod","state":"ACTIVE","in_projection":true,"tag_count":1}\n' +
        '{"account_id":"222222222222","account_name":"claims-dev","state":"ACTIVE","in_projection":true,"tag_count":null}\n',
    );
    expect(decodeJsonLines(text, COLUMNS)).toEqual([A, [...B.slice(0, 4), null]]);
    expect(decodeJsonLines('', COLUMNS)).toEqual([]);
  });

  it('a key the object lacks is NULL; a byte-order mark and blank lines are nothing', () => {
    expect(decodeJsonLines('\uFEFF{"account_id":"1"}\n\n', ['account_id', 'owner'])).toEqual([['1', null]]);
  });

  it('refuses, naming the line, what is not one object of plain values per line', () => {
    expect(() => decodeJsonLines('{"a":1}\n{"a":', ['a'])).toThrow('line 2 is not JSON');
    expect(() => decodeJsonLines('[1]', ['a'])).toThrow('line 1 is not a JSON object');
    expect(() => decodeJsonLines('{"a":{"b":1}}', ['a'])).toThrow(
      "line 1: 'a' is not text, a whole number or a boolean",
    );
    expect(() => decodeJsonLines('{"a":1.5}', ['a'])).toThrow("line 1: 'a' is not text");
  });

  it('sorts rows by every column in turn, NULL first', () => {
    expect(sortRows([B, A, [null, 'x', 'ACTIVE', false, 0]]).map((r) => r[0])).toEqual([
      null,
      '111111111111',
      '222222222222',
    ]);
  });

  it('parses s3://bucket/key and refuses anything else', () => {
    expect(parseS3Uri('s3://b/p/k.json')).toEqual({ bucket: 'b', key: 'p/k.json' });
    expect(() => parseS3Uri('s3://b/')).toThrow("'s3://b/' is not an S3 object URI");
  });
});

describe('a change of reference data in words', () => {
  it('a few rows in or out: one line', () => {
    const exceptions = (ids: string[]): TableDataProperties => ({
      table: 'org_compliance.ref_exceptions',
      location: 's3://b/k',
      columns: ['exception_id'],
      keyColumn: 'exception_id',
      rows: ids.map((id) => [id]),
    });
    expect(describeTableData(exceptions(['old-amis']), exceptions(['legacy-volumes', 'old-amis']))).toEqual([
      'exceptions: + legacy-volumes',
    ]);
    expect(describeTableData(exceptions(['a', 'b']), exceptions(['c']))).toEqual([
      'exceptions: + c, - a, - b',
    ]);
  });

  it('accounts: added, closed and changed counted, then each named', () => {
    const C = ['333333333333', 'ledger-prod', 'ACTIVE', false, 0];
    const before = accounts([A, B]);
    const after = accounts([
      [...A.slice(0, 2), 'SUSPENDED', ...A.slice(3)],
      [B[0] ?? null, 'claims-staging', ...B.slice(2)],
      C,
      ['444444444444', 'ml-dev', 'ACTIVE', true, 0],
    ]);
    expect(describeTableData(before, after)).toEqual([
      'accounts: 2 added, 1 closed, 1 changed',
      '+ 333333333333',
      '+ 444444444444',
      '~ 111111111111: state ACTIVE → SUSPENDED',
      '~ 222222222222: account_name claims-dev → claims-staging',
    ]);
  });

  it('names ten keys and counts the rest', () => {
    const many = Array.from({ length: 14 }, (_, i) => [
      String(100000000000 + i),
      `acct-${i}`,
      'ACTIVE',
      true,
      0,
    ]);
    const lines = describeTableData(accounts([]), accounts(many));
    expect(lines[0]).toBe('accounts: 14 added');
    expect(lines).toHaveLength(12);
    expect(lines[11]).toBe('… and 4 more');
  });

  it('columns or only the location: says which', () => {
    expect(
      describeTableData(accounts([A]), { ...accounts([A.slice(0, 4)]), columns: COLUMNS.slice(0, 4) }),
    ).toEqual(['accounts: columns - tag_count']);
    expect(describeTableData(accounts([A]), { ...accounts([A]), location: 's3://other/k.json' })).toEqual([
      'accounts: s3://acme-config-snapshots/org-compliance/reference/ref_accounts/ref_accounts.json → s3://other/k.json',
    ]);
  });
});
