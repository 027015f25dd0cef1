import { describe, expect, test } from 'vitest';
import { parseOrg } from '../../src/load/org.js';
import { YamlFile } from '../../src/load/yaml-file.js';
import { at, errors, loadFixture, saying, yaml } from './fixtures.js';

const ORG = 'config/org.yaml';

describe('config/org.yaml', () => {
  test('regions given as a string instead of a list', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions: eu-west-1
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(errors(result)).toMatchObject([
      {
        severity: 'error',
        file: ORG,
        line: 2,
        column: 10,
        field: 'regions',
        message: saying('expected a list', "got the string 'eu-west-1'"),
      },
    ]);
  });

  test('closedAccountRetentionDays given as words instead of a number', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions:
          - eu-west-1
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
        closedAccountRetentionDays: "a year"
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(errors(result)).toMatchObject([
      {
        file: ORG,
        line: 12,
        column: 29,
        field: 'closedAccountRetentionDays',
        message: saying('expected a number', "got the string 'a year'"),
      },
    ]);
  });

  test('a misspelled key is reported on the key, naming the right one and every valid key', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions:
          - eu-west-1
        homeRegoin: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(at(result, 'homeRegoin')).toMatchObject([
      {
        severity: 'error',
        file: ORG,
        line: 4,
        column: 1,
        message: saying(
          "unknown key 'homeRegoin'",
          "did you mean 'homeRegion'?",
          'Valid keys: organizationId, regions, homeRegion, snapshots, projection, glue, ownership, data, closedAccountRetentionDays',
        ),
      },
    ]);
    // The key it was meant to be is then missing.
    expect(at(result, 'homeRegion')).toMatchObject([
      { severity: 'error', message: saying('required field is missing') },
    ]);
  });

  test('two misspelled keys in one mapping each get their own suggestion', () => {
    const file = YamlFile.parse(
      ORG,
      yaml`
        organizationId: o-a1b2c3d4e5
        regoins:
          - eu-west-1
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
        closedAccountRetentionDay: 30
      `,
    );
    expect(parseOrg(file)).toBeUndefined();
    const unknown = file.diagnostics
      .filter((d) => d.message.startsWith('unknown key'))
      .sort((a, b) => a.line - b.line);
    expect(unknown).toMatchObject([
      {
        line: 2,
        column: 1,
        field: 'regoins',
        message: saying("unknown key 'regoins'", "did you mean 'regions'?", 'Valid keys: organizationId'),
      },
      {
        line: 12,
        column: 1,
        field: 'closedAccountRetentionDay',
        message: saying(
          "unknown key 'closedAccountRetentionDay'",
          "did you mean 'closedAccountRetentionDays'?",
          'Valid keys: organizationId',
        ),
      },
    ]);
  });

  test('an unknown key that resembles no valid key still lists the valid keys', () => {
    const file = YamlFile.parse(
      ORG,
      yaml`
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
          partitions: 3
      `,
    );
    expect(parseOrg(file)).toBeUndefined();
    expect(file.diagnostics).toMatchObject([
      {
        line: 11,
        column: 3,
        field: 'glue.partitions',
        message: "unknown key 'partitions'. Valid keys: database, table, region",
      },
    ]);
  });

  test('homeRegion that is not one of the regions', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions:
          - eu-west-1
          - us-east-1
        homeRegion: eu-central-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ORG,
        line: 5,
        column: 13,
        field: 'homeRegion',
        message: saying("'eu-central-1' is not in regions", '(eu-west-1, us-east-1)'),
      },
    ]);
  });

  test('an organization id that is not o- and 10 to 32 lower-case letters or digits', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-A1B2C3
        regions:
          - eu-west-1
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ORG,
        line: 1,
        column: 17,
        field: 'organizationId',
        message: saying('expected an organization id', "'o-' then 10 to 32 lower-case letters or digits"),
      },
    ]);
  });

  test('a projection start date that is not a day of the calendar', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions:
          - eu-west-1
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-02-30'
        glue:
          database: org_compliance
          table: config_snapshots
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ORG,
        line: 8,
        column: 14,
        field: 'projection.startDate',
        message: saying("'2025-02-30' is not a calendar date", "'YYYY-MM-DD'"),
      },
    ]);
  });

  test('a Glue table name with capitals and a hyphen', async () => {
    const result = await loadFixture({
      org: yaml`
        organizationId: o-a1b2c3d4e5
        regions:
          - eu-west-1
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: Config-Snapshots
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: ORG,
        line: 11,
        column: 10,
        field: 'glue.table',
        message: saying('expected lower-case letters, digits and _', 'Glue table name'),
      },
    ]);
  });

  test('a minimal valid file gets its defaults', () => {
    const file = YamlFile.parse(
      ORG,
      yaml`
        organizationId: o-a1b2c3d4e5
        regions: [eu-west-1, us-east-1]
        homeRegion: us-east-1
        snapshots:
          bucket: acme-config-snapshots
        projection:
          startDate: 2025-01-01
        glue:
          database: org_compliance
          table: config_snapshots
      `,
    );
    expect(parseOrg(file)).toEqual({
      organizationId: 'o-a1b2c3d4e5',
      regions: ['eu-west-1', 'us-east-1'],
      homeRegion: 'us-east-1',
      snapshots: { bucket: 'acme-config-snapshots', prefix: '', orgIdInPath: false },
      projection: { startDate: '2025-01-01' },
      glue: { database: 'org_compliance', table: 'config_snapshots', region: 'us-east-1' },
      ownership: {
        tagKey: 'managed-by',
        tagValue: 'org-compliance',
        descriptionMarker: '[managed by org-compliance]',
      },
      // The tool's own data: the snapshot bucket, outside the snapshots' AWSLogs/ tree.
      data: { bucket: 'acme-config-snapshots', prefix: 'org-compliance' },
      closedAccountRetentionDays: 365,
      athena: { workgroup: 'primary' },
      compliance: { windowDays: 7, staleAfterDays: 2, trendDays: 90 },
      github: { autoMergeAccounts: false },
      report: { recipients: [] },
      quicksight: {
        region: 'us-east-1',
        identityRegion: 'us-east-1',
        namespace: 'default',
        owners: [],
        viewers: [],
        viewersCanAuthor: false,
      },
      roles: {},
    });
    expect(file.diagnostics).toEqual([]);
  });

  test.each([
    ['AWSLogs', 'AWSLogs', false],
    ['', '', false],
    ['logs/AWSLogs/org-compliance', 'logs', false],
    ['', 'o-a1b2c3d4e5', true],
  ])(
    "data.prefix '%s' inside (or around) the snapshots of prefix '%s' in the same bucket is refused",
    (dataPrefix, snapshotPrefix, orgIdInPath) => {
      const file = YamlFile.parse(
        ORG,
        yaml`
          organizationId: o-a1b2c3d4e5
          regions: [eu-west-1]
          homeRegion: eu-west-1
          snapshots:
            bucket: acme-config-snapshots
            prefix: '${snapshotPrefix}'
            orgIdInPath: ${String(orgIdInPath)}
          projection:
            startDate: '2025-01-01'
          glue:
            database: org_compliance
            table: config_snapshots
          data:
            prefix: '${dataPrefix}'
        `,
      );
      parseOrg(file);
      expect(file.diagnostics).toMatchObject([
        {
          severity: 'error',
          file: ORG,
          line: 14,
          field: 'data.prefix',
          message: expect.stringMatching(
            /overlaps the Config snapshots under s3:\/\/acme-config-snapshots\/.*AWSLogs\/ in the same bucket: choose a prefix outside it, such as 'org-compliance'/,
          ),
        },
      ]);
    },
  );

  test('data: another bucket may use any prefix, and the default prefix sits beside the snapshots', () => {
    const file = YamlFile.parse(
      ORG,
      yaml`
        organizationId: o-a1b2c3d4e5
        regions: [eu-west-1]
        homeRegion: eu-west-1
        snapshots:
          bucket: acme-config-snapshots
          prefix: ''
        projection:
          startDate: '2025-01-01'
        glue:
          database: org_compliance
          table: config_snapshots
        data:
          bucket: acme-org-compliance
          prefix: ''
      `,
    );
    expect(parseOrg(file)?.data).toEqual({ bucket: 'acme-org-compliance', prefix: '' });
    expect(file.diagnostics).toEqual([]);
  });

  test('quicksight: a principal that is neither group/<name>, user/<name> nor an ARN is refused with its position', () => {
    const file = YamlFile.parse(
      ORG,
      yaml`
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
        quicksight:
          accountId: '222222222222'
          owners:
            - group/org-compliance-admins
            - team/sre
          viewers:
            - arn:aws:quicksight:us-east-1:222222222222:group/default/security
      `,
    );
    expect(parseOrg(file)).toBeUndefined();
    expect(file.diagnostics).toHaveLength(1);
    expect(file.diagnostics[0]).toMatchObject({
      file: ORG,
      line: 15,
      field: 'quicksight.owners[1]',
    });
    expect(file.diagnostics[0]?.message).toContain(
      'expected a QuickSight group or user: group/<name>, user/<name>',
    );
  });

  test('quicksight.viewersCanAuthor: true or false, false by default; anything else is refused where it stands', async () => {
    const org = (value: string) => yaml`
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
        quicksight:
          owners: [group/org-compliance-admins]
          viewersCanAuthor: ${value}
      `;
    const quoted = await loadFixture({ org: org("'true'") });
    expect(quoted.repository).toBeUndefined();
    expect(errors(quoted)).toMatchObject([
      {
        file: ORG,
        line: 13,
        column: 21,
        field: 'quicksight.viewersCanAuthor',
        message: "expected true or false, got the string 'true'",
      },
    ]);
    const word = await loadFixture({ org: org('sometimes') });
    expect(errors(word)).toMatchObject([
      {
        line: 13,
        field: 'quicksight.viewersCanAuthor',
        message: "expected true or false, got the string 'sometimes'",
      },
    ]);
    expect((await loadFixture({ org: org('true') })).repository?.org.quicksight.viewersCanAuthor).toBe(true);
    expect((await loadFixture({ org: org('false') })).repository?.org.quicksight.viewersCanAuthor).toBe(
      false,
    );
  });

  test('roles: a role ARN that is not an IAM role ARN is refused; valid ones are kept per mode', async () => {
    const org = (write: string) => yaml`
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
        roles:
          management:
            read: arn:aws:iam::111111111111:role/org-compliance-read
            write: ${write}
      `;
    const bad = await loadFixture({ org: org('arn:aws:iam::111111111111:user/deployer') });
    expect(bad.repository).toBeUndefined();
    expect(errors(bad)).toMatchObject([
      {
        file: ORG,
        line: 14,
        column: 12,
        field: 'roles.management.write',
        message: saying('expected an IAM role ARN'),
      },
    ]);
    const good = await loadFixture({ org: org('arn:aws:iam::111111111111:role/path/org-compliance-write') });
    expect(good.repository?.org.roles).toEqual({
      management: {
        read: 'arn:aws:iam::111111111111:role/org-compliance-read',
        write: 'arn:aws:iam::111111111111:role/path/org-compliance-write',
      },
    });
  });
});
