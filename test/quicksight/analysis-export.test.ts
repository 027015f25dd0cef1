// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.

import {
  DescribeAnalysisDefinitionCommand,
  DescribeAnalysisPermissionsCommand,
  ListAnalysesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import type { QuickSightKind, QuickSightSource } from '../../src/model/quicksight.js';
import type { DesiredResource } from '../../src/model/resources.js';
import { diffProperties } from '../../src/plan/field-diff.js';
import { AwsQuickSightAnalysisProvider } from '../../src/providers/aws/quicksight/analyses.js';
import { awsAnalysisSource } from '../../src/providers/aws/quicksight/analysis-source.js';
import { createSend } from '../../src/providers/aws/retry.js';
import {
  assertAnalysisId,
  describeExportable,
  type ExportedAnalysis,
  exportAnalysisFile,
} from '../../src/quicksight/analysis-export.js';
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

/** The data sets quicksight/ defines in these tests. */
const DEFINED = {
  dataSet: new Set(['org-compliance-accounts', 'org-compliance-rules']),
  dataSource: new Set<string>(),
};

/** What export-quicksight does on the aws target, less the file's write. */
async function exportAnalysis(analysisId = ANALYSIS): Promise<ExportedAnalysis> {
  assertAnalysisId(analysisId);
  const source = awsAnalysisSource({ clients, send: send(), accountId: ACCOUNT, region: REGION });
  return exportAnalysisFile(await describeExportable(source, analysisId), CTX, DEFINED);
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

    const exported = await exportAnalysis();

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

    const exported = await exportAnalysis();
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
    const [current] = await analyses.read([desired as DesiredResource<'quicksight-analysis'>]);

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
    await expect(exportAnalysis('../x')).rejects.toThrow(
      "--analysis must be a QuickSight analysis id (letters, digits, _ and -, at most 512), got '../x'",
    );
    expect(qs.calls()).toHaveLength(0);
  });

  it('an analysis QuickSight does not have: names the analyses there (deleted ones left out)', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).rejects(
      Object.assign(new Error('Analysis not found'), { name: 'ResourceNotFoundException' }),
    );
    qs.on(ListAnalysesCommand)
      .resolvesOnce({
        AnalysisSummaryList: [
          { AnalysisId: 'sandbox', Status: 'CREATION_SUCCESSFUL' },
          { AnalysisId: 'old', Status: 'DELETED' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ AnalysisSummaryList: [{ AnalysisId: ANALYSIS, Status: 'UPDATE_FAILED' }] });

    await expect(exportAnalysis('org-compliance-overveiw')).rejects.toThrow(
      `No QuickSight analysis 'org-compliance-overveiw' in account ${ACCOUNT} (${REGION}); analyses there: ${ANALYSIS}, sandbox`,
    );
    expect(qs.commandCalls(ListAnalysesCommand).map((c) => c.args[0].input)).toEqual([
      { AwsAccountId: ACCOUNT, MaxResults: 100 },
      { AwsAccountId: ACCOUNT, MaxResults: 100, NextToken: 'page-2' },
    ]);
  });

  it('an account without analyses says so', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).rejects(
      Object.assign(new Error('Analysis not found'), { name: 'ResourceNotFoundException' }),
    );
    qs.on(ListAnalysesCommand).resolves({ AnalysisSummaryList: [] });
    await expect(exportAnalysis()).rejects.toThrow(
      `No QuickSight analysis '${ANALYSIS}' in account ${ACCOUNT} (${REGION}); there are no analyses there`,
    );
  });

  it('other failures keep their context', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).rejects(
      Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }),
    );
    await expect(exportAnalysis()).rejects.toThrow(
      `Could not read the definition of QuickSight analysis ${ANALYSIS} (DescribeAnalysisDefinition in ${REGION}): User is not authorized`,
    );
    expect(qs.commandCalls(ListAnalysesCommand)).toHaveLength(0);
  });

  it('refuses an analysis QuickSight is still working on', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).resolves({
      ...described(),
      ResourceStatus: 'UPDATE_IN_PROGRESS',
    });
    await expect(exportAnalysis()).rejects.toThrow(
      `QuickSight analysis '${ANALYSIS}' in account ${ACCOUNT} (${REGION}) is UPDATE_IN_PROGRESS: export it once QuickSight has finished (CREATION_SUCCESSFUL or UPDATE_SUCCESSFUL)`,
    );
  });

  it("refuses a failed analysis, listing QuickSight's errors with their sheet and visual", async () => {
    qs.on(DescribeAnalysisDefinitionCommand).resolves({
      ...described(),
      ResourceStatus: 'UPDATE_FAILED',
      Errors: [
        {
          Type: 'COLUMN_TYPE_MISMATCH',
          Message: "Column 'account_name' has type INTEGER, the field well needs STRING",
          ViolatedEntities: [{ Path: 'sheet/accounts/visual/accounts-by-score' }],
        },
      ],
    });
    await expect(exportAnalysis()).rejects.toThrow(
      [
        `QuickSight analysis '${ANALYSIS}' in account ${ACCOUNT} (${REGION}) is UPDATE_FAILED: QuickSight did not accept its definition, so it is not exported; fix it in the console and export again. QuickSight's errors:`,
        `  - COLUMN_TYPE_MISMATCH: Column 'account_name' has type INTEGER, the field well needs STRING, at sheet "Accounts", visual "accounts-by-score" (TableVisual) [sheet/accounts/visual/accounts-by-score]`,
      ].join('\n'),
    );
  });

  it('refuses a deleted analysis', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).resolves({ ...described(), ResourceStatus: 'DELETED' });
    await expect(exportAnalysis()).rejects.toThrow(
      `QuickSight analysis '${ANALYSIS}' in account ${ACCOUNT} (${REGION}) is DELETED, not CREATION_SUCCESSFUL or UPDATE_SUCCESSFUL; nothing is exported`,
    );
  });

  it('says so when QuickSight returns no definition', async () => {
    qs.on(DescribeAnalysisDefinitionCommand).resolves({
      AnalysisId: ANALYSIS,
      ResourceStatus: 'CREATION_SUCCESSFUL',
    });
    await expect(exportAnalysis()).rejects.toThrow(
      `QuickSight analysis '${ANALYSIS}' has no definition to export`,
    );
  });

  it('warns about a data set quicksight/data-sets/ does not define, once, and about nothing else', async () => {
    const answer = described();
    const definition = answer.Definition as unknown as {
      DataSetIdentifierDeclarations: { Identifier: string; DataSetArn: string }[];
    };
    definition.DataSetIdentifierDeclarations.push(
      { Identifier: 'costs', DataSetArn: dataSetArn('org-compliance-costs') },
      { Identifier: 'costs-again', DataSetArn: dataSetArn('org-compliance-costs') },
    );
    qs.on(DescribeAnalysisDefinitionCommand).resolves(answer);

    const exported = await exportAnalysis();

    expect(exported.text).toContain('"DataSetArn": "${dataSet:org-compliance-costs}"');
    expect(exported.warnings).toEqual([
      `quicksight/analyses/${ANALYSIS}.json names data set 'org-compliance-costs', which quicksight/data-sets/ does not define: validate will refuse the file ("\${dataSet:org-compliance-costs} names no data set in quicksight/") until quicksight/data-sets/org-compliance-costs.json exists`,
    ]);
    expect({ sheets: exported.sheets, visuals: exported.visuals }).toEqual({ sheets: 1, visuals: 1 });
  });
});
