/** config/org.yaml: values that fit their pattern but cannot be right, and their edges. */
import { describe, expect, test } from 'vitest';
import { parseOrg } from '../../src/load/org.js';
import { YamlFile } from '../../src/load/yaml-file.js';
import { ORG_YAML } from './fixtures.js';

const TODAY = '2026-11-28';

/** The messages of org.yaml with `replace` applied to the fixture, as of TODAY. */
function messages(...replace: [string, string][]): string[] {
  let text = ORG_YAML;
  for (const [from, to] of replace) {
    if (!text.includes(from)) throw new Error(`fixture has no '${from}'`);
    text = text.replace(from, to);
  }
  const file = YamlFile.parse('config/org.yaml', text);
  parseOrg(file, { today: TODAY });
  return file.diagnostics.map((d) => `${d.field}: ${d.message}`);
}

describe('config/org.yaml values', () => {
  test('the fixture itself is valid', () => {
    expect(messages()).toEqual([]);
  });

  test('projection.startDate may be today, not tomorrow', () => {
    expect(messages(["startDate: '2025-01-01'", `startDate: '${TODAY}'`])).toEqual([]);
    expect(messages(["startDate: '2025-01-01'", "startDate: '2026-11-29'"])).toEqual([
      'projection.startDate: 2026-11-29 is in the future (today is 2026-11-28): the projection runs from startDate to today, so it would hold no day; use the first day of snapshots you want to read, today or earlier',
    ]);
  });

  test('a region in another partition is reported where it is written, homeRegion and glue.region too', () => {
    expect(messages(['homeRegion: eu-west-1', 'homeRegion: us-gov-west-1'])).toEqual([
      "homeRegion: 'us-gov-west-1' is not in regions (eu-west-1, us-east-1)",
      "homeRegion: 'us-gov-west-1' is in the aws-us-gov partition, but regions starts with eu-west-1 (aws): an organization lives in one partition; list regions of aws only",
    ]);
    expect(messages(['table: config_snapshots', 'table: config_snapshots\n  region: cn-north-1'])).toEqual([
      "glue.region: 'cn-north-1' is in the aws-cn partition, but regions starts with eu-west-1 (aws): an organization lives in one partition; list regions of aws only",
    ]);
    // A whole organization in another partition is fine.
    expect(
      messages(
        ['  - eu-west-1\n  - us-east-1', '  - cn-north-1\n  - cn-northwest-1'],
        ['homeRegion: eu-west-1', 'homeRegion: cn-north-1'],
      ),
    ).toEqual([]);
  });

  test('windows: equal is fine; stale beyond the window and the window beyond the trend are not', () => {
    const compliance = (w: number, s: number, t: number): [string, string] => [
      'closedAccountRetentionDays: 365',
      `closedAccountRetentionDays: 365\ncompliance:\n  windowDays: ${w}\n  staleAfterDays: ${s}\n  trendDays: ${t}`,
    ];
    expect(messages(compliance(14, 14, 14))).toEqual([]);
    expect(messages(compliance(15, 16, 14))).toEqual([
      "compliance.windowDays: 15 days is longer than trendDays (14): the views read the trend's days only, so the window would end at 14; set windowDays to at most 14, or raise trendDays",
      'compliance.staleAfterDays: 16 days is longer than windowDays (15): an account/region would leave the score before it is flagged stale; set staleAfterDays to at most 15',
    ]);
  });

  test('bucket names S3 refuses though the pattern allows them', () => {
    const bucket = (name: string) => messages(['bucket: acme-config-snapshots', `bucket: ${name}`]);
    expect(bucket('192.168.10.12')).toEqual([
      "snapshots.bucket: '192.168.10.12' is shaped like an IP address, which S3 bucket names cannot be",
    ]);
    expect(bucket('xn--acme-logs')).toEqual([
      "snapshots.bucket: 'xn--acme-logs' starts with 'xn--', a prefix S3 reserves",
    ]);
    expect(bucket('acme-logs-s3alias')).toEqual([
      "snapshots.bucket: 'acme-logs-s3alias' ends with '-s3alias', a suffix S3 reserves",
    ]);
    expect(bucket('acme.config.snapshots')).toEqual([]);
  });

  test('report.dashboardUrl: https only', () => {
    const url = (u: string) =>
      messages([
        'closedAccountRetentionDays: 365',
        `closedAccountRetentionDays: 365\nreport:\n  dashboardUrl: '${u}'`,
      ]);
    expect(url('https://eu-west-1.quicksight.aws.amazon.com/sn/dashboards/org-compliance')).toEqual([]);
    for (const u of ['http://dashboards.example.com/', 'javascript:alert(1)', 'data:text/html,hi'])
      expect(url(u), u).toEqual(['report.dashboardUrl: expected an https:// URL']);
  });
});
