/**
 * What read() asks QuickSight in an account full of other teams' assets: tags are read only for
 * the assets org-compliance could own (ids with its prefix, or named by a desired resource), never
 * for the rest, whatever their number or their tags. Against the in-process fake, counting calls.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_ACCOUNT_ID, FakeAws } from '../../../src/bench/fake-aws.js';
import type { Json } from '../../../src/bench/fake-service.js';
import type { QuickSightKind } from '../../../src/model/quicksight.js';
import type { DesiredResource } from '../../../src/model/resources.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { ORG } from './fakes.js';

const REGION = ORG.quicksight.region;
const OURS = [{ Key: ORG.ownership.tagKey, Value: ORG.ownership.tagValue }];
/** How many foreign assets of each kind: more than two List* pages of 100. */
const FOREIGN = 230;

/** An account with FOREIGN data sources, data sets, analyses and dashboards of other teams, and a few of ours. */
function crowdedAccount(): FakeAws {
  const fake = new FakeAws({ organizationId: ORG.organizationId, accounts: [] });
  const create = (operation: string, input: Json) =>
    fake.quickSight.handle(operation, REGION, { AwsAccountId: FAKE_ACCOUNT_ID, ...input });
  const definition = { DataSetIdentifierDeclarations: [] };
  const source = (id: string, Tags: Json[]) =>
    create('CreateDataSource', { DataSourceId: id, Name: id, Type: 'ATHENA', Tags });
  const dataSet = (id: string, Tags: Json[]) =>
    create('CreateDataSet', {
      DataSetId: id,
      Name: id,
      ImportMode: 'SPICE',
      PhysicalTableMap: {
        t: {
          RelationalTable: {
            DataSourceArn: `arn:aws:quicksight:${REGION}:${FAKE_ACCOUNT_ID}:datasource/sales-athena`,
            Name: 'sales',
            InputColumns: [{ Name: 'amount', Type: 'DECIMAL' }],
          },
        },
      },
      Tags,
    });
  source('sales-athena', [{ Key: 'team', Value: 'sales' }]);
  for (let i = 0; i < FOREIGN; i++) {
    // Some foreign assets even carry our tag (copied by hand): without our id they are not ours to read.
    const tags = i % 10 === 0 ? OURS : [{ Key: 'team', Value: `team-${i}` }];
    source(`team-${i}-source`, tags);
    dataSet(`team-${i}-data`, tags);
    create('CreateAnalysis', {
      AnalysisId: `team-${i}-analysis`,
      Name: `a${i}`,
      Definition: definition,
      Tags: tags,
    });
    create('CreateDashboard', {
      DashboardId: `team-${i}-dashboard`,
      Name: `d${i}`,
      Definition: definition,
      Tags: tags,
    });
  }
  // Ours: one by prefix, and one whose id only a desired resource names.
  source('org-compliance-athena', OURS);
  dataSet('org-compliance-trend', OURS);
  dataSet('shared-costs', OURS);
  create('CreateAnalysis', {
    AnalysisId: 'org-compliance',
    Name: 'ours',
    Definition: definition,
    Tags: OURS,
  });
  create('CreateDashboard', {
    DashboardId: 'org-compliance',
    Name: 'ours',
    Definition: definition,
    Tags: OURS,
  });
  return fake;
}

/** A desired resource that names `id` (its other properties do not matter to read()). */
function desired(kind: QuickSightKind, id: string): DesiredResource {
  return {
    kind,
    key: `${kind}/${REGION}/${id}`,
    region: REGION,
    properties: { id, name: id, body: {}, permissions: [] },
  } as DesiredResource;
}

describe("QuickSight reads in an account crowded with other teams' assets", () => {
  it('reads the tags of our candidates only: no ListTagsForResource for any foreign asset', async () => {
    const fake = crowdedAccount();
    const target = createAwsTarget(ORG, { clients: fake.clients(), sleep: async () => {} });
    const before = fake.calls.length;

    // As plan reads them: every kind at once, one desired data set whose id lacks our prefix.
    const kinds = [
      'quicksight-data-source',
      'quicksight-data-set',
      'quicksight-refresh-schedule',
      'quicksight-analysis',
      'quicksight-dashboard',
    ] as const;
    const wanted = [desired('quicksight-data-set', 'shared-costs')];
    const read = await Promise.all(kinds.map((kind) => target.providers[kind].read(wanted as never)));
    const found = Object.fromEntries(
      kinds.map((kind, i) => [kind, (read[i] ?? []).map((c) => [c.properties.id, c.owned])]),
    );

    const calls = fake.calls.slice(before).filter((c) => c.service === 'quicksight');
    const tagReads = calls
      .filter((c) => c.operation === 'ListTagsForResource')
      .map((c) => String(c.input.ResourceArn).split(':').pop());
    expect(tagReads.sort()).toEqual(
      [
        'analysis/org-compliance',
        'dashboard/org-compliance',
        'datasource/org-compliance-athena',
        // The data set and refresh schedule providers share one read of each data set's tags.
        'dataset/org-compliance-trend',
        'dataset/shared-costs',
      ].sort(),
    );
    // Every foreign asset was listed (pages of 100), and nothing more was asked about it.
    const perOperation = (operation: string) => calls.filter((c) => c.operation === operation).length;
    expect(perOperation('ListDataSources')).toBe(3);
    expect(perOperation('ListAnalyses')).toBe(3);
    expect(perOperation('ListDashboards')).toBe(3);
    expect(calls.filter((c) => JSON.stringify(c.input).includes('team-')).map((c) => c.operation)).toEqual(
      [],
    );
    expect(perOperation('ListDataSets')).toBe(3);
    expect(found['quicksight-data-source']).toEqual([['org-compliance-athena', true]]);
    expect(found['quicksight-data-set']).toEqual([
      ['org-compliance-trend', true],
      ['shared-costs', true],
    ]);
    expect(found['quicksight-analysis']).toEqual([['org-compliance', true]]);
    expect(found['quicksight-dashboard']).toEqual([['org-compliance', true]]);
  });
});
