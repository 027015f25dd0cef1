import {
  CreateAnalysisCommand,
  DeleteAnalysisCommand,
  DescribeAnalysisCommand,
  DescribeAnalysisDefinitionCommand,
  DescribeAnalysisPermissionsCommand,
  ListAnalysesCommand,
  ListTagsForResourceCommand,
  type ResourceStatus,
  UpdateAnalysisCommand,
  UpdateAnalysisPermissionsCommand,
} from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import type { QuickSightProperties } from '../../../src/model/quicksight.js';
import type { DesiredResource } from '../../../src/model/resources.js';
import { diffProperties } from '../../../src/plan/field-diff.js';
import { AwsQuickSightAnalysisProvider } from '../../../src/providers/aws/quicksight/analyses.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { normalizeBody } from '../../../src/quicksight/normalize.js';
import { permissionsFor } from '../../../src/quicksight/permissions.js';
import { commandNames, fakeTime, ORG, regionalClients } from './fakes.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const ANALYSIS = 'org-compliance-overview';
const arn = (id: string) => `arn:aws:quicksight:${REGION}:${ACCOUNT}:analysis/${id}`;
const dataSetArn = (id: string) => `arn:aws:quicksight:${REGION}:${ACCOUNT}:dataset/${id}`;
const ADMINS = `arn:aws:quicksight:${REGION}:${ACCOUNT}:group/default/compliance-admins`;
const OWNED_TAGS = [{ Key: 'managed-by', Value: 'org-compliance' }];

const { clients, quicksight } = regionalClients([REGION]);
const qs = mockClient(quicksight.get(REGION) as NonNullable<ReturnType<typeof quicksight.get>>);

afterEach(() => {
  qs.reset();
});

function provider(options: { timeoutMs?: number } = {}) {
  const time = fakeTime();
  const writes = new WriteCounter();
  const send = createSend({ retry: { sleep: time.sleep, random: () => 0 }, writes });
  const analyses = new AwsQuickSightAnalysisProvider({
    clients,
    send,
    accountId: ACCOUNT,
    region: REGION,
    ownership: { tagKey: ORG.ownership.tagKey, tagValue: ORG.ownership.tagValue },
    now: time.now,
    sleep: time.sleep,
    pollMs: 2_000,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { analyses, time, writes };
}

/** The Definition as the repository has it (placeholders resolved). */
function definition() {
  return {
    DataSetIdentifierDeclarations: [
      { Identifier: 'accounts', DataSetArn: dataSetArn('org-compliance-accounts') },
      { Identifier: 'rules', DataSetArn: dataSetArn('org-compliance-rules') },
    ],
    Sheets: [
      {
        SheetId: 'accounts',
        Name: 'Accounts',
        Visuals: [
          {
            TableVisual: {
              VisualId: 'accounts-by-score',
              ChartConfiguration: {
                FieldWells: {
                  TableAggregatedFieldWells: {
                    GroupBy: [
                      {
                        CategoricalDimensionField: {
                          FieldId: 'account',
                          Column: { DataSetIdentifier: 'accounts', ColumnName: 'account_name' },
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
          { KPIVisual: { VisualId: 'average-score' } },
        ],
      },
      {
        SheetId: 'rules',
        Name: 'Rules',
        Visuals: [{ BarChartVisual: { VisualId: 'rules-nobody-follows' } }],
      },
    ],
    FilterGroups: [
      {
        FilterGroupId: 'fg-ou',
        CrossDataset: 'SINGLE_DATASET',
        ScopeConfiguration: { AllSheets: {} },
        Filters: [
          {
            CategoryFilter: {
              FilterId: 'ou',
              Column: { DataSetIdentifier: 'accounts', ColumnName: 'ou_path' },
              Configuration: {
                FilterListConfiguration: { MatchOperator: 'CONTAINS', SelectAllOptions: 'FILTER_ALL_VALUES' },
              },
            },
          },
        ],
      },
    ],
  };
}

function properties(overrides: Partial<QuickSightProperties> = {}): QuickSightProperties {
  return {
    id: ANALYSIS,
    name: 'Organization compliance',
    body: normalizeBody('quicksight-analysis', {
      AnalysisId: ANALYSIS,
      Name: 'Organization compliance',
      Definition: definition(),
    }),
    permissions: permissionsFor('quicksight-analysis', { owners: [ADMINS], viewers: [] }),
    ...overrides,
  };
}

function desired(props = properties()): DesiredResource<'quicksight-analysis'> {
  return {
    kind: 'quicksight-analysis',
    key: `quicksight-analysis/${REGION}/${props.id}`,
    region: REGION,
    properties: props,
  };
}

function change(
  action: Change['action'],
  after?: QuickSightProperties,
  before?: QuickSightProperties,
): Change<'quicksight-analysis'> {
  const props = after ?? before ?? properties();
  return {
    action,
    kind: 'quicksight-analysis',
    key: `quicksight-analysis/${REGION}/${props.id}`,
    region: REGION,
    name: props.name,
    diffs: [],
    ...(after ? { after } : {}),
    ...(before ? { before } : {}),
  };
}

/** The same Definition as DescribeAnalysisDefinition returns it: defaults filled in, its own order. */
function describedDefinition() {
  const d = definition();
  return {
    Options: { WeekStart: 'SUNDAY' },
    AnalysisDefaults: {
      DefaultNewSheetConfiguration: {
        SheetContentType: 'INTERACTIVE',
        InteractiveLayoutConfiguration: {
          Grid: {
            CanvasSizeOptions: {
              ScreenCanvasSizeOptions: { OptimizedViewPortWidth: '1600px', ResizeOption: 'FIXED' },
            },
          },
        },
      },
    },
    FilterGroups: d.FilterGroups.map((g) => ({ Status: 'ENABLED', ...g })),
    Sheets: d.Sheets.map((sheet) => ({
      Visuals: sheet.Visuals.map((visual) => {
        const [type, body] = Object.entries(visual)[0] as [string, Record<string, unknown>];
        return {
          [type]: {
            Actions: [],
            Subtitle: { Visibility: 'VISIBLE' },
            Title: { Visibility: 'VISIBLE' },
            ColumnHierarchies: [],
            ...body,
          },
        };
      }),
      ContentType: 'INTERACTIVE',
      Name: sheet.Name,
      SheetId: sheet.SheetId,
    })),
    DataSetIdentifierDeclarations: [...d.DataSetIdentifierDeclarations].reverse(),
    CalculatedFields: [],
    ColumnConfigurations: [],
    ParameterDeclarations: [],
  };
}

describe('AwsQuickSightAnalysisProvider.apply create', () => {
  it('creates with STRICT validation, the ownership tag and owner permissions, then waits for CREATION_SUCCESSFUL', async () => {
    const { analyses, time, writes } = provider();
    qs.on(CreateAnalysisCommand).resolves({ AnalysisId: ANALYSIS, CreationStatus: 'CREATION_IN_PROGRESS' });
    qs.on(DescribeAnalysisCommand)
      .resolvesOnce({ Analysis: { AnalysisId: ANALYSIS, Status: 'CREATION_IN_PROGRESS' } })
      .resolves({ Analysis: { AnalysisId: ANALYSIS, Status: 'CREATION_SUCCESSFUL' } });

    await analyses.apply(change('create', properties()));

    expect(commandNames(qs.calls())).toEqual(['CreateAnalysis', 'DescribeAnalysis', 'DescribeAnalysis']);
    const input = qs.commandCalls(CreateAnalysisCommand)[0]?.args[0].input;
    expect(input).toEqual({
      AwsAccountId: ACCOUNT,
      AnalysisId: ANALYSIS,
      Name: 'Organization compliance',
      Definition: properties().body.Definition,
      ValidationStrategy: { Mode: 'STRICT' },
      Permissions: [
        {
          Principal: ADMINS,
          Actions: [
            'quicksight:DeleteAnalysis',
            'quicksight:DescribeAnalysis',
            'quicksight:DescribeAnalysisPermissions',
            'quicksight:QueryAnalysis',
            'quicksight:RestoreAnalysis',
            'quicksight:UpdateAnalysis',
            'quicksight:UpdateAnalysisPermissions',
          ],
        },
      ],
      Tags: OWNED_TAGS,
    });
    expect(time.sleeps).toEqual([2_000]);
    expect(writes.byOperation()).toEqual({ CreateAnalysis: 1 });
  });

  it('ends in CREATION_FAILED: throws naming the analysis and listing every error with its sheet and visual', async () => {
    const { analyses } = provider();
    qs.on(CreateAnalysisCommand).resolves({ AnalysisId: ANALYSIS, CreationStatus: 'CREATION_IN_PROGRESS' });
    qs.on(DescribeAnalysisCommand)
      .resolvesOnce({ Analysis: { AnalysisId: ANALYSIS, Status: 'CREATION_IN_PROGRESS' } })
      .resolves({ Analysis: { AnalysisId: ANALYSIS, Status: 'CREATION_FAILED' } });
    qs.on(DescribeAnalysisDefinitionCommand).resolves({
      AnalysisId: ANALYSIS,
      ResourceStatus: 'CREATION_FAILED',
      Errors: [
        {
          Type: 'COLUMN_TYPE_MISMATCH',
          Message: "Column 'account_name' has type INTEGER, the field well needs STRING",
          ViolatedEntities: [
            {
              Path: '/Sheets/0/Visuals/0/TableVisual/ChartConfiguration/FieldWells/TableAggregatedFieldWells/GroupBy/0',
            },
          ],
        },
        {
          Type: 'PARAMETER_NOT_FOUND',
          Message: 'The filter refers to a parameter that does not exist',
          ViolatedEntities: [
            { Path: 'sheet/rules/visual/rules-nobody-follows' },
            { Path: '/FilterGroups/0' },
          ],
        },
        { Type: 'INTERNAL_FAILURE', Message: 'Something went wrong' },
      ],
    });

    const failure = await analyses.apply(change('create', properties())).catch((e: Error) => e);

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      [
        `Could not create QuickSight analysis ${ANALYSIS} (${REGION}): it ended CREATION_FAILED with 3 errors:`,
        `  - COLUMN_TYPE_MISMATCH: Column 'account_name' has type INTEGER, the field well needs STRING, at sheet "Accounts", visual "accounts-by-score" (TableVisual) [/Sheets/0/Visuals/0/TableVisual/ChartConfiguration/FieldWells/TableAggregatedFieldWells/GroupBy/0]`,
        '  - PARAMETER_NOT_FOUND: The filter refers to a parameter that does not exist, at sheet "Rules", visual "rules-nobody-follows" (BarChartVisual) [sheet/rules/visual/rules-nobody-follows]; filter group "fg-ou" [/FilterGroups/0]',
        '  - INTERNAL_FAILURE: Something went wrong',
      ].join('\n'),
    );
    expect(commandNames(qs.calls())).toEqual([
      'CreateAnalysis',
      'DescribeAnalysis',
      'DescribeAnalysis',
      'DescribeAnalysisDefinition',
    ]);
  });

  it('gives up after the bound, naming the analysis and the state it was left in', async () => {
    const { analyses, time } = provider({ timeoutMs: 10_000 });
    qs.on(CreateAnalysisCommand).resolves({ AnalysisId: ANALYSIS, CreationStatus: 'CREATION_IN_PROGRESS' });
    qs.on(DescribeAnalysisCommand).resolves({
      Analysis: { AnalysisId: ANALYSIS, Status: 'CREATION_IN_PROGRESS' },
    });

    await expect(analyses.apply(change('create', properties()))).rejects.toThrow(
      `QuickSight analysis ${ANALYSIS} (${REGION}) is still CREATION_IN_PROGRESS after waiting 0m 10s (limit 0m 10s)`,
    );
    expect(time.sleeps).toEqual([2_000, 2_000, 2_000, 2_000, 2_000]);
    expect(qs.commandCalls(DescribeAnalysisCommand)).toHaveLength(6);
    expect(qs.commandCalls(DescribeAnalysisDefinitionCommand)).toHaveLength(0);
  });
});

describe('AwsQuickSightAnalysisProvider.read', () => {
  it('round trip: what DescribeAnalysisDefinition returns for the desired body normalises to it (the plan is a no-op)', async () => {
    const { analyses } = provider();
    const want = properties();
    qs.on(ListAnalysesCommand).resolves({
      AnalysisSummaryList: [
        { AnalysisId: ANALYSIS, Arn: arn(ANALYSIS), Name: want.name, Status: 'CREATION_SUCCESSFUL' },
      ],
    });
    qs.on(ListTagsForResourceCommand, { ResourceArn: arn(ANALYSIS) }).resolves({ Tags: OWNED_TAGS });
    qs.on(DescribeAnalysisDefinitionCommand, { AnalysisId: ANALYSIS }).resolves({
      RequestId: 'req-1',
      Status: 200,
      Name: want.name,
      AnalysisId: ANALYSIS,
      ResourceStatus: 'CREATION_SUCCESSFUL',
      Errors: [],
      ThemeArn: 'arn:aws:quicksight::aws:theme/CLASSIC',
      Definition: describedDefinition() as never,
    });
    qs.on(DescribeAnalysisPermissionsCommand, { AnalysisId: ANALYSIS }).resolves({
      AnalysisId: ANALYSIS,
      Permissions: [{ Principal: ADMINS, Actions: [...(want.permissions[0]?.actions ?? [])].reverse() }],
    });

    const current = await analyses.read([desired(want)]);

    expect(current).toEqual([
      {
        kind: 'quicksight-analysis',
        key: `quicksight-analysis/${REGION}/${ANALYSIS}`,
        region: REGION,
        properties: want,
        owned: true,
      },
    ]);
    expect(diffProperties(want, current[0]?.properties)).toEqual([]);
  });

  it('lists org-compliance ids and desired ids, saying which are owned; reads no tag of the rest and skips the deleted', async () => {
    const { analyses } = provider();
    const summary = (id: string, Status: ResourceStatus = 'CREATION_SUCCESSFUL') => ({
      AnalysisId: id,
      Arn: arn(id),
      Name: id,
      Status,
    });
    qs.on(ListAnalysesCommand)
      .resolvesOnce({
        AnalysisSummaryList: [summary('org-compliance-overview'), summary('org-compliance-by-hand')],
        NextToken: 'page-2',
      })
      .resolves({
        AnalysisSummaryList: [
          summary('team-finance'),
          summary('renamed-by-us'),
          summary('org-compliance-deleted', 'DELETED'),
        ],
      });
    qs.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    qs.on(ListTagsForResourceCommand, { ResourceArn: arn('org-compliance-overview') }).resolves({
      Tags: OWNED_TAGS,
    });
    qs.on(ListTagsForResourceCommand, { ResourceArn: arn('renamed-by-us') }).resolves({ Tags: OWNED_TAGS });
    qs.on(DescribeAnalysisDefinitionCommand).callsFake((input: { AnalysisId: string }) => ({
      AnalysisId: input.AnalysisId,
      Name: input.AnalysisId,
      Definition: { DataSetIdentifierDeclarations: [] },
    }));
    qs.on(DescribeAnalysisPermissionsCommand).resolves({ Permissions: [] });

    const current = await analyses.read([desired(properties({ id: 'team-finance' }))]);

    expect(current.map((c) => [c.properties.id, c.owned])).toEqual([
      ['org-compliance-overview', true],
      ['org-compliance-by-hand', false],
      ['team-finance', false],
    ]);
    expect(qs.commandCalls(ListAnalysesCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
    ]);
    // Tags are read only for analyses this tool could own: renamed-by-us carries the tag, but
    // neither its id nor a desired one says so, and it is not looked at.
    expect(qs.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([
      arn('org-compliance-overview'),
      arn('org-compliance-by-hand'),
      arn('team-finance'),
    ]);
    expect(qs.commandCalls(DescribeAnalysisDefinitionCommand).map((c) => c.args[0].input.AnalysisId)).toEqual(
      ['org-compliance-overview', 'org-compliance-by-hand', 'team-finance'],
    );
  });

  it('reports a failed analysis with its errors as status', async () => {
    const { analyses } = provider();
    qs.on(ListAnalysesCommand).resolves({
      AnalysisSummaryList: [{ AnalysisId: ANALYSIS, Arn: arn(ANALYSIS), Status: 'UPDATE_FAILED' }],
    });
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    qs.on(DescribeAnalysisDefinitionCommand).resolves({
      AnalysisId: ANALYSIS,
      Name: 'x',
      ResourceStatus: 'UPDATE_FAILED',
      Errors: [
        {
          Type: 'DATA_SET_NOT_FOUND',
          Message: 'No such data set',
          ViolatedEntities: [{ Path: 'sheet/accounts' }],
        },
      ],
      Definition: definition() as never,
    });
    qs.on(DescribeAnalysisPermissionsCommand).resolves({ Permissions: [] });

    const [current] = await analyses.read([]);

    expect(current?.status).toEqual({
      state: 'UPDATE_FAILED',
      details: ['DATA_SET_NOT_FOUND: No such data set, at sheet "Accounts" [sheet/accounts]'],
    });
  });
});

describe('AwsQuickSightAnalysisProvider.apply update and delete', () => {
  it('updates the definition, waits for UPDATE_SUCCESSFUL, then grants and revokes permissions', async () => {
    const { analyses, writes } = provider();
    const viewer = `arn:aws:quicksight:${REGION}:${ACCOUNT}:user/default/alice`;
    const before = properties({
      name: 'Compliance',
      permissions: [
        { principal: viewer, actions: ['quicksight:DescribeAnalysis', 'quicksight:QueryAnalysis'] },
      ],
    });
    const after = properties();
    qs.on(ListTagsForResourceCommand, { ResourceArn: arn(ANALYSIS) }).resolves({ Tags: OWNED_TAGS });
    qs.on(UpdateAnalysisCommand).resolves({ AnalysisId: ANALYSIS, UpdateStatus: 'UPDATE_IN_PROGRESS' });
    qs.on(DescribeAnalysisCommand)
      .resolvesOnce({ Analysis: { Status: 'UPDATE_IN_PROGRESS' } })
      .resolves({ Analysis: { Status: 'UPDATE_SUCCESSFUL' } });
    qs.on(DescribeAnalysisPermissionsCommand).resolves({
      Permissions: [
        { Principal: viewer, Actions: ['quicksight:DescribeAnalysis', 'quicksight:QueryAnalysis'] },
      ],
    });
    qs.on(UpdateAnalysisPermissionsCommand).resolves({});

    await analyses.apply(change('update', after, before));

    expect(commandNames(qs.calls())).toEqual([
      'ListTagsForResource',
      'UpdateAnalysis',
      'DescribeAnalysis',
      'DescribeAnalysis',
      'DescribeAnalysisPermissions',
      'UpdateAnalysisPermissions',
    ]);
    expect(qs.commandCalls(UpdateAnalysisCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      AnalysisId: ANALYSIS,
      Name: 'Organization compliance',
      Definition: after.body.Definition,
      ValidationStrategy: { Mode: 'STRICT' },
    });
    expect(qs.commandCalls(UpdateAnalysisPermissionsCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      AnalysisId: ANALYSIS,
      GrantPermissions: [{ Principal: ADMINS, Actions: after.permissions[0]?.actions }],
      RevokePermissions: [
        { Principal: viewer, Actions: ['quicksight:DescribeAnalysis', 'quicksight:QueryAnalysis'] },
      ],
    });
    expect(writes.byOperation()).toEqual({ UpdateAnalysis: 1, UpdateAnalysisPermissions: 1 });
  });

  it('changes only permissions when only they differ, and writes nothing when they already match', async () => {
    const { analyses, writes } = provider();
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    qs.on(DescribeAnalysisPermissionsCommand).resolves({
      Permissions: [{ Principal: ADMINS, Actions: properties().permissions[0]?.actions }],
    });

    await analyses.apply(change('update', properties(), properties({ permissions: [] })));

    expect(commandNames(qs.calls())).toEqual(['ListTagsForResource', 'DescribeAnalysisPermissions']);
    expect(writes.total).toBe(0);
  });

  it('refuses to update or delete an analysis without the ownership tag, and deletes an owned one', async () => {
    const { analyses, writes } = provider();
    qs.on(ListTagsForResourceCommand, { ResourceArn: arn('org-compliance-by-hand') }).resolves({
      Tags: [{ Key: 'managed-by', Value: 'someone-else' }],
    });
    qs.on(ListTagsForResourceCommand, { ResourceArn: arn(ANALYSIS) }).resolves({ Tags: OWNED_TAGS });
    qs.on(DeleteAnalysisCommand).resolves({});
    const byHand = properties({ id: 'org-compliance-by-hand' });

    await expect(analyses.apply(change('delete', undefined, byHand))).rejects.toThrow(
      `Refusing to delete QuickSight analysis org-compliance-by-hand (${REGION}): it does not carry the ownership tag managed-by=org-compliance`,
    );
    await expect(analyses.apply(change('update', byHand, byHand))).rejects.toThrow(/Refusing to update/);
    expect(qs.commandCalls(DeleteAnalysisCommand)).toHaveLength(0);
    expect(qs.commandCalls(UpdateAnalysisCommand)).toHaveLength(0);

    await analyses.apply(change('delete', undefined, properties()));
    expect(qs.commandCalls(DeleteAnalysisCommand).map((c) => c.args[0].input)).toEqual([
      { AwsAccountId: ACCOUNT, AnalysisId: ANALYSIS },
    ]);
    expect(writes.byOperation()).toEqual({ DeleteAnalysis: 1 });
  });

  it('refuses a change of another kind or region', async () => {
    const { analyses } = provider();
    await expect(
      // A change the types would refuse, as a dispatch bug would hand it over at run time.
      analyses.apply({
        ...change('create', properties()),
        kind: 'quicksight-dashboard',
      } as unknown as Change<'quicksight-analysis'>),
    ).rejects.toThrow('The QuickSight analysis provider cannot apply a quicksight-dashboard change');
    await expect(analyses.apply({ ...change('create', properties()), region: 'us-east-1' })).rejects.toThrow(
      'but QuickSight is managed in eu-west-1',
    );
    expect(qs.calls()).toHaveLength(0);
  });
});
