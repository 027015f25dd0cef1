// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.
import {
  DescribeAnalysisDefinitionCommand,
  DescribeAnalysisPermissionsCommand,
  ListAnalysesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/load/diagnostics.js';
import type { QuickSightKind, QuickSightSource } from '../../src/model/quicksight.js';
import { diffProperties } from '../../src/plan/diff.js';
import { AwsQuickSightAnalysisProvider } from '../../src/providers/aws/quicksight/analyses.js';
import { createSend } from '../../src/providers/aws/retry.js';
import { exportAnalysis } from '../../src/quicksight/export.js';
import { parseQuickSightSource } from '../../src/quicksight/files.js';
import { normalizeBody, stableJson } from '../../src/quicksight/normalize.js';
import { resolveQuickSight } from '../../src/quicksight/resolve.js';
import { fakeTime, ORG, regionalClients } from '../providers/aws/fakes.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const ANALYSIS = 'org-compliance-overview';
const CTX = {
  accountId: ACCOUNT,
  region: REGION,
  workgroup: ORG.athena.workgroup,
  database: ORG.glue.database,
};
const dataSetArn = (id: string) => `arn:aws:quicksight:${REGION}:${ACCOUNT}:dataset/${id}`;

const { clients, quicksight } = regionalClients([REGION]);
const qs = mockClient(quicksight.get(REGION) as NonNullable<ReturnType<typeof quicksight.get>>);

afterEach(() => {
  qs.reset();
});

function send() {
  const time = fakeTime();
  return createSend({ retry: { sleep: time.sleep, random: () => 0 } });
}

/** quicksight/analyses/org-compliance-overview.json as a person wrote it: their key order, no defaults. */
const REPOSITORY_FILE = {
  AnalysisId: ANALYSIS,
  Name: 'Organization compliance',
  Definition: {
    DataSetIdentifierDeclarations: [
      { Identifier: 'rules', DataSetArn: '${dataSet:org-compliance-rules}' },
      { Identifier: 'accounts', DataSetArn: '${dataSet:org-compliance-accounts}' },
    ],
    Sheets: [
      {
        SheetId: 'accounts',
        Name: 'Accounts',
        Visuals: [
          {
            TableVisual: {
              VisualId: 'accounts-by-score',
              Title: { FormatText: { PlainText: 'Which account to fix next' } },
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
        ],
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
  },
};

/** What DescribeAnalysisDefinition returns for the analysis deployed from that file. */
function described() {
  const definition = REPOSITORY_FILE.Definition;
  return {
    RequestId: 'req',
    Status: 200,
    AnalysisId: ANALYSIS,
    Name: 'Organization compliance',
    ResourceStatus: 'UPDATE_SUCCESSFUL' as const,
    Errors: [],
    Definition: {
      Options: { WeekStart: 'SUNDAY' },
      AnalysisDefaults: {
        DefaultNewSheetConfiguration: {
          SheetContentType: 'INTERACTIVE',
          InteractiveLayoutConfiguration: {
            Grid: {
              CanvasSizeOptions: {
                ScreenCanvasSizeOptions: { ResizeOption: 'FIXED', OptimizedViewPortWidth: '1600px' },
              },
            },
          },
        },
      },
      Sheets: definition.Sheets.map((sheet) => ({
        ContentType: 'INTERACTIVE',
        SheetId: sheet.SheetId,
        Name: sheet.Name,
        Visuals: sheet.Visuals.map((v) => ({
          TableVisual: {
            ...v.TableVisual,
            Title: { Visibility: 'VISIBLE', ...v.TableVisual.Title },
            Subtitle: { Visibility: 'VISIBLE' },
            Actions: [],
          },
        })),
      })),
      FilterGroups: definition.FilterGroups.map((g) => ({ ...g, Status: 'ENABLED' })),
      DataSetIdentifierDeclarations: [
        { DataSetArn: dataSetArn('org-compliance-accounts'), Identifier: 'accounts' },
        { DataSetArn: dataSetArn('org-compliance-rules'), Identifier: 'rules' },
      ],
      CalculatedFields: [],
      ParameterDeclarations: [],
    } as never,
  };
}

function source(kind: QuickSightKind, file: string, text: string): QuickSightSource {
  const parsed = parseQuickSightSource(kind, file, text);
  if (!parsed.source) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
  return parsed.source;
}

/** The data sets the analysis names, so that its `${dataSet:…}` placeholders resolve. */
const DATA_SETS = ['org-compliance-accounts', 'org-compliance-rules'].map((id) =>
  source(
    'quicksight-data-set',
    `quicksight/data-sets/${id}.json`,
    JSON.stringify({ DataSetId: id, Name: id, ImportMode: 'SPICE', PhysicalTableMap: {} }),
  ),
);

function resolvedAnalysis(file: string, text: string) {
  const resolved = resolveQuickSight(
    [...DATA_SETS, source('quicksight-analysis', file, text)],
    ORG,
    ACCOUNT,
    REGION,
  );
  const analysis = resolved.find((r) => r.kind === 'quicksight-analysis');
  if (!analysis) throw new Error('no analysis resolved');
  return analysis;
}

describe('exportAnalysis', () => {
  it('writes quicksight/analyses/<id>.json: normalised, with placeholders, as stable JSON', async () => {
    qs.on(DescribeAnalysisDefinitionCommand, { AwsAccountId: ACCOUNT, AnalysisId: ANALYSIS }).resolves(
      described(),
    );

    const exported = await exportAnalysis({
      clients,
      send: send(),
      accountId: ACCOUNT,
      region: REGION,
      analysisId: ANALYSIS,
      ctx: CTX,
    });

    expect(exported.file).toBe(`quicksight/analyses/${ANALYSIS}.json`);
    expect(exported.text.endsWith('}\n')).toBe(true);
    expect(exported.text).not.toContain(ACCOUNT);
    expect(exported.text).toContain('"DataSetArn": "${dataSet:org-compliance-accounts}"');
    expect(exported.text).not.toMatch(/WeekStart|ContentType|"Actions"|RequestId|ResourceStatus/);
    // Exporting an analysis nobody edited gives the repository's file, normalised, byte for byte.
    expect(exported.text).toBe(stableJson(normalizeBody('quicksight-analysis', REPOSITORY_FILE)));
    expect(JSON.parse(exported.text)).toEqual(normalizeBody('quicksight-analysis', REPOSITORY_FILE));
  });

  it('export then plan: the exported file, resolved and normalised, is what read() reports (no change)', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).resolves(described());
    qs.on(ListAnalysesCommand).resolves({
      AnalysisSummaryList: [
        {
          AnalysisId: ANALYSIS,
          Arn: `arn:aws:quicksight:${REGION}:${ACCOUNT}:analysis/${ANALYSIS}`,
          Status: 'UPDATE_SUCCESSFUL',
        },
      ],
    });
    qs.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'managed-by', Value: 'org-compliance' }] });
    qs.on(DescribeAnalysisPermissionsCommand).resolves({ Permissions: [] });

    const exported = await exportAnalysis({
      clients,
      send: send(),
      accountId: ACCOUNT,
      region: REGION,
      analysisId: ANALYSIS,
      ctx: CTX,
    });
    const desired = resolvedAnalysis(exported.file, exported.text);
    const time = fakeTime();
    const analyses = new AwsQuickSightAnalysisProvider({
      clients,
      send: send(),
      accountId: ACCOUNT,
      region: REGION,
      ownership: { tagKey: ORG.ownership.tagKey, tagValue: ORG.ownership.tagValue },
      now: time.now,
      sleep: time.sleep,
    });
    const [current] = await analyses.read([desired]);

    expect(current?.key).toBe(desired.key);
    expect(diffProperties(desired.properties, current?.properties)).toEqual([]);
    // And the repository's own file resolves to the same body as its export.
    const repository = resolvedAnalysis(
      `quicksight/analyses/${ANALYSIS}.json`,
      JSON.stringify(REPOSITORY_FILE, null, 2),
    );
    expect(repository.properties.body).toEqual(desired.properties.body);
  });

  it('refuses an analysis id that is not one, before calling AWS', async () => {
    await expect(
      exportAnalysis({
        clients,
        send: send(),
        accountId: ACCOUNT,
        region: REGION,
        analysisId: '../x',
        ctx: CTX,
      }),
    ).rejects.toThrow(
      "--analysis must be a QuickSight analysis id (letters, digits, _ and -, at most 512), got '../x'",
    );
    expect(qs.calls()).toHaveLength(0);
  });

  it('says so when QuickSight returns no definition', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).resolves({
      AnalysisId: ANALYSIS,
      ResourceStatus: 'CREATION_FAILED',
    });
    await expect(
      exportAnalysis({
        clients,
        send: send(),
        accountId: ACCOUNT,
        region: REGION,
        analysisId: ANALYSIS,
        ctx: CTX,
      }),
    ).rejects.toThrow(
      `QuickSight analysis ${ANALYSIS} (${REGION}) has no definition to export (status CREATION_FAILED)`,
    );
  });
});
