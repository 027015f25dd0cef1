// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} are the placeholders of quicksight/ files, not JavaScript's.
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  DescribeAnalysisDefinitionCommand,
  DescribeAnalysisPermissionsCommand,
  ListAnalysesCommand,
  ListDashboardsCommand,
  ListDataSetsCommand,
  ListDataSourcesCommand,
  ListRefreshSchedulesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-quicksight';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { type Io, runCli } from '../../src/cli/program.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { defaultExportPath, exportQuickSightAnalysis } from '../../src/pipeline/export-quicksight.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createAwsTarget } from '../../src/providers/aws/target.js';
import { normalizeBody } from '../../src/quicksight/normalize.js';
import { resolveQuickSight } from '../../src/quicksight/resolve.js';
import { scratchRepo } from '../helpers/repo.js';
import { regionalClients } from '../providers/aws/fakes.js';

const TODAY = '2026-11-28';
const ANALYSIS = 'org-compliance';
const ANALYSIS_FILE = `quicksight/analyses/${ANALYSIS}.json`;
type Json = Record<string, unknown>;

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

const run = (args: string[], io = capture()) => runCli(['node', 'org-compliance', ...args], io);

async function load(root: string): Promise<Repository> {
  const { repository, diagnostics } = await loadRepository(root, { today: TODAY });
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return repository;
}

async function readJson(path: string): Promise<Json> {
  return JSON.parse(await readFile(path, 'utf8')) as Json;
}

/** The repository's analysis file, parsed: the fixture every test edits a copy of. */
async function repositoryAnalysis(root: string): Promise<Json> {
  return readJson(join(root, ANALYSIS_FILE));
}

interface Sheet {
  SheetId: string;
  Name: string;
  Visuals: Record<string, Json>[];
  [member: string]: unknown;
}

function sheetsOf(body: Json): Sheet[] {
  return (body.Definition as { Sheets: Sheet[] }).Sheets;
}

/** The first visual of the first sheet ("Accounts"): the KPI "organization-score". */
function firstVisual(body: Json): Json {
  return (sheetsOf(body)[0] as Sheet).Visuals[0]?.KPIVisual as Json;
}

describe('export-quicksight on the aws target: export, then plan', () => {
  const ACCOUNT = '123456789012';
  const REGION = 'eu-west-1';
  const { quicksight, sts } = regionalClients([REGION]);
  const qs = mockClient(quicksight.get(REGION) as NonNullable<ReturnType<typeof quicksight.get>>);
  const stsMock = mockClient(sts.get(REGION) as NonNullable<ReturnType<typeof sts.get>>);
  const ADMINS = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/org-compliance-admins`;
  const ANALYSIS_ACTIONS = [
    'quicksight:DeleteAnalysis',
    'quicksight:DescribeAnalysis',
    'quicksight:DescribeAnalysisPermissions',
    'quicksight:QueryAnalysis',
    'quicksight:RestoreAnalysis',
    'quicksight:UpdateAnalysis',
    'quicksight:UpdateAnalysisPermissions',
  ];

  let root: string;

  beforeEach(async () => {
    ({ root } = await scratchRepo());
  });

  afterEach(() => {
    qs.reset();
    stsMock.reset();
  });

  /**
   * What DescribeAnalysisDefinition returns after someone edited the analysis in the console:
   * the repository's definition deployed to ACCOUNT (real ARNs), with AWS's defaults filled in,
   * the data sets in another order, empty lists, a theme, and two edits: a visual's new title and
   * a date parameter whose default is a Date (as the SDK deserialises timestamps).
   */
  function consoleAnswer(repo: Repository) {
    const deployed = resolveQuickSight(repo.quicksight, repo.org, ACCOUNT, REGION).find(
      (r) => r.kind === 'quicksight-analysis',
    );
    const body = structuredClone(deployed?.properties.body) as Json;
    const definition = body.Definition as Json & {
      DataSetIdentifierDeclarations: Json[];
      FilterGroups: Json[];
      ParameterDeclarations?: Json[];
      ColumnConfigurations?: Json[];
    };
    (firstVisual(body).Title as { FormatText: { PlainText: string } }).FormatText.PlainText =
      'Organization score, all catalog rules';
    return {
      RequestId: '4b9f0c1e-5d2a-4f8e-9c3b-7a6d5e4f3a2b',
      Status: 200,
      AnalysisId: ANALYSIS,
      Name: body.Name as string,
      ResourceStatus: 'UPDATE_SUCCESSFUL' as const,
      Errors: [],
      ThemeArn: 'arn:aws:quicksight::aws:theme/MIDNIGHT',
      Definition: {
        ...definition,
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
        DataSetIdentifierDeclarations: [...definition.DataSetIdentifierDeclarations].reverse(),
        FilterGroups: definition.FilterGroups.map((group) => ({ Status: 'ENABLED', ...group })),
        Sheets: sheetsOf(body).map((sheet) => ({
          ...sheet,
          ContentType: 'INTERACTIVE',
          Visuals: sheet.Visuals.map((visual) => {
            const [type, inner] = Object.entries(visual)[0] as [string, Json];
            return { [type]: { Subtitle: { Visibility: 'VISIBLE' }, Actions: [], ...inner } };
          }),
        })),
        ParameterDeclarations: [
          ...(definition.ParameterDeclarations ?? []),
          {
            DateTimeParameterDeclaration: {
              Name: 'asOf',
              TimeGranularity: 'DAY',
              DefaultValues: { StaticValues: [new Date('2026-11-01T00:00:00.000Z')] },
              ValueWhenUnset: { ValueWhenUnsetOption: 'RECOMMENDED_VALUE' },
            },
          },
        ],
        // The repository's field colours as they were; the console answers an empty list as [] (dropped).
        ColumnConfigurations: definition.ColumnConfigurations ?? [],
      } as never,
    };
  }

  /** QuickSight holding that one analysis, owned, with the permissions org.yaml's owners get. */
  function mockQuickSight(answer: ReturnType<typeof consoleAnswer>) {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    qs.on(DescribeAnalysisDefinitionCommand, { AwsAccountId: ACCOUNT, AnalysisId: ANALYSIS }).resolves(
      answer,
    );
    qs.on(ListAnalysesCommand).resolves({
      AnalysisSummaryList: [
        {
          AnalysisId: ANALYSIS,
          Arn: `arn:aws:quicksight:${REGION}:${ACCOUNT}:analysis/${ANALYSIS}`,
          Name: answer.Name,
          Status: 'UPDATE_SUCCESSFUL',
          CreatedTime: new Date('2026-10-01T08:00:00Z'),
          LastUpdatedTime: new Date('2026-11-27T16:30:00Z'),
        },
      ],
    });
    qs.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'managed-by', Value: 'org-compliance' }] });
    qs.on(DescribeAnalysisPermissionsCommand, { AnalysisId: ANALYSIS }).resolves({
      AnalysisId: ANALYSIS,
      Permissions: [{ Principal: ADMINS, Actions: [...ANALYSIS_ACTIONS].reverse() }],
    });
    // Nothing else of quicksight/ is deployed yet.
    qs.on(ListDataSourcesCommand).resolves({ DataSources: [] });
    qs.on(ListDataSetsCommand).resolves({ DataSetSummaries: [] });
    qs.on(ListRefreshSchedulesCommand).resolves({ RefreshSchedules: [] });
    qs.on(ListDashboardsCommand).resolves({ DashboardSummaryList: [] });
  }

  function awsTarget(repo: Repository, fake: FakeAws) {
    const clients = {
      ...fake.clients(),
      quicksight: () => quicksight.get(REGION) as never,
      sts: () => sts.get(REGION) as never,
    };
    return createAwsTarget(repo.org, { clients, sleep: async () => {}, random: () => 0 });
  }

  it('the exported file has placeholders, is the same twice, validates, and the plan finds the analysis unchanged', async () => {
    let repo = await load(root);
    const answer = consoleAnswer(repo);
    mockQuickSight(answer);
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const target = awsTarget(repo, fake);
    const out = defaultExportPath(repo, ANALYSIS);
    const before = await repositoryAnalysis(root);

    const first = await exportQuickSightAnalysis(repo, await target.quickSightAnalyses(), {
      analysisId: ANALYSIS,
      out,
    });
    const text = await readFile(out, 'utf8');

    expect(first.written).toBe(join(root, ANALYSIS_FILE));
    expect(first.text).toBe(text);
    expect({ sheets: first.sheets, visuals: first.visuals, warnings: first.warnings }).toEqual({
      sheets: 10,
      visuals: 31,
      warnings: [],
    });
    expect(text).not.toContain(ACCOUNT);
    expect(text).toContain('"DataSetArn": "${dataSet:org-compliance-accounts}"');
    expect(text).not.toMatch(/RequestId|ResourceStatus|"ContentType"|"Actions": \[\]|AnalysisDefaults/);
    // The file is the repository's, with the console's two edits and its theme, and nothing else.
    const expected = structuredClone(before);
    (firstVisual(expected).Title as { FormatText: { PlainText: string } }).FormatText.PlainText =
      'Organization score, all catalog rules';
    (expected.Definition as Json).ParameterDeclarations = [
      ...((expected.Definition as Json).ParameterDeclarations as Json[]),
      {
        DateTimeParameterDeclaration: {
          Name: 'asOf',
          TimeGranularity: 'DAY',
          DefaultValues: { StaticValues: ['2026-11-01T00:00:00Z'] },
        },
      },
    ];
    expected.ThemeArn = 'arn:aws:quicksight::aws:theme/MIDNIGHT';
    expect(JSON.parse(text)).toEqual(normalizeBody('quicksight-analysis', expected));

    // Exported again: byte for byte the same file.
    const second = await exportQuickSightAnalysis(repo, await target.quickSightAnalyses(), {
      analysisId: ANALYSIS,
      out,
    });
    expect(second.text).toBe(text);
    expect(await readFile(out, 'utf8')).toBe(text);

    // The repository with the exported file loads (validates), and planned against the same
    // QuickSight the analysis is a no-op.
    repo = await load(root);
    const { plan } = await runPlan(repo, target, { today: TODAY });
    const quickSight = plan.changes.filter((c) => c.kind.startsWith('quicksight-'));
    expect(quickSight.filter((c) => c.kind === 'quicksight-analysis')).toMatchObject([
      { action: 'no-op', key: `quicksight-analysis/${REGION}/${ANALYSIS}`, diffs: [] },
    ]);
    // Everything else of quicksight/ is not deployed yet: created.
    expect(quickSight.filter((c) => c.action !== 'create').map((c) => c.kind)).toEqual([
      'quicksight-analysis',
    ]);
    expect(quickSight).toHaveLength(31);
    // One STS call found the account for both the export and the plan.
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(
      qs.commandCalls(DescribeAnalysisDefinitionCommand).map((c) => c.args[0].input.AwsAccountId),
    ).toEqual([ACCOUNT, ACCOUNT, ACCOUNT]);
  });

  it('without the export, the same QuickSight plans an update of the analysis naming the sheet and visual', async () => {
    const repo = await load(root);
    mockQuickSight(consoleAnswer(repo));
    const target = awsTarget(repo, new FakeAws(syntheticOrganization(DEMO_ORG)));

    const { plan } = await runPlan(repo, target, { today: TODAY });

    const analysis = plan.changes.find((c) => c.kind === 'quicksight-analysis');
    expect(analysis?.action).toBe('update');
    expect(analysis?.description).toEqual([
      'sheet "Accounts": visual "organization-score" (KPIVisual): Title.FormatText changed',
      'parameter "asOf" removed',
    ]);
    // The theme the console chose is not a change: the repository sets none, and QuickSight's is kept.
  });
});

describe('export-quicksight on the local target', () => {
  let template: { root: string; localDir: string };
  let root: string;
  let localDir: string;
  let common: string[];

  beforeAll(async () => {
    // A demo-like deployment, made once: the organization, then apply.
    template = await scratchRepo();
    await mkdir(template.localDir, { recursive: true });
    await writeFile(join(template.localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    const io = capture();
    const code = await run(
      [
        'apply',
        '--auto-approve',
        '--root',
        template.root,
        '--local-dir',
        template.localDir,
        '--today',
        TODAY,
      ],
      io,
    );
    if (code !== 0) throw new Error(io.stderr.join('\n'));
  }, 60_000);

  beforeEach(async () => {
    const base = await mkdtemp(join(tmpdir(), 'org-compliance-export-'));
    root = join(base, 'repo');
    localDir = join(base, 'local');
    await cp(template.root, root, { recursive: true });
    await cp(template.localDir, localDir, { recursive: true });
    common = ['--root', root, '--local-dir', localDir, '--today', TODAY];
  });

  async function editState(edit: (analysis: Json) => void): Promise<void> {
    const path = join(localDir, 'state.json');
    const state = await readJson(path);
    const analyses = (state.quicksight as Record<string, Record<string, { body: Json }>>)[
      'quicksight-analysis'
    ];
    const deployed = analyses?.[`quicksight-analysis/eu-west-1/${ANALYSIS}`];
    if (!deployed) throw new Error('the analysis is not in state.json');
    edit(deployed.body);
    await writeFile(path, JSON.stringify(state, null, 2));
  }

  it('--stdout prints the repository file, normalised, and writes nothing', async () => {
    const before = await readFile(join(root, ANALYSIS_FILE), 'utf8');
    const io = capture();

    expect(await run(['export-quicksight', '--analysis', ANALYSIS, '--stdout', ...common], io)).toBe(0);

    expect(JSON.parse(io.stdout.join('\n'))).toEqual(
      normalizeBody('quicksight-analysis', JSON.parse(before) as Json),
    );
    expect(io.stdout.join('\n')).not.toContain('000000000000');
    // The shipped file is kept in the exported form: a round trip gives it back byte for byte,
    // so a later export's diff shows only what was changed in the console.
    expect(`${io.stdout.join('\n')}\n`).toBe(before);
    expect(io.stderr).toEqual([
      `… Reading QuickSight analysis '${ANALYSIS}' in the local target's state (${join(localDir, 'state.json')})`,
    ]);
    expect(await readFile(join(root, ANALYSIS_FILE), 'utf8')).toBe(before);
  });

  it('a title changed in the console: exported, the file differs only there, and plan updates the dashboard naming sheet and visual', async () => {
    await editState((body) => {
      (firstVisual(body).Title as { FormatText: { PlainText: string } }).FormatText.PlainText =
        'Score of the organization';
    });
    const before = await repositoryAnalysis(root);
    const io = capture();

    expect(await run(['export-quicksight', '--analysis', ANALYSIS, ...common], io)).toBe(0);

    const shown = relative(process.cwd(), join(root, ANALYSIS_FILE));
    expect(io.stdout).toEqual([
      [
        `Wrote ${shown}: analysis '${ANALYSIS}' ("org-compliance"), 10 sheets, 31 visuals.`,
        "Review it with 'git diff', then run 'org-compliance plan' to see what apply would change (the dashboards published from it).",
      ].join('\n'),
    ]);
    const expected = structuredClone(before);
    (firstVisual(expected).Title as { FormatText: { PlainText: string } }).FormatText.PlainText =
      'Score of the organization';
    expect(await repositoryAnalysis(root)).toEqual(normalizeBody('quicksight-analysis', expected));

    const plan = capture();
    expect(await run(['plan', ...common], plan)).toBe(2);
    expect(plan.stdout).toEqual([
      [
        '~ quicksight-dashboard org-compliance (eu-west-1): update',
        '    ~ sheet "Accounts": visual "organization-score" (KPIVisual): Title.FormatText changed',
        'Plan: 0 to create, 1 to update, 0 to delete, 239 unchanged.',
      ].join('\n'),
    ]);
  });

  it('--out writes elsewhere and leaves the repository alone', async () => {
    const out = join(localDir, 'exports', 'analysis.json');
    const before = await readFile(join(root, ANALYSIS_FILE), 'utf8');
    const io = capture();

    expect(await run(['export-quicksight', '--analysis', ANALYSIS, '--out', out, ...common], io)).toBe(0);

    expect(io.stdout[0]).toMatch(
      new RegExp(`^Wrote ${relative(process.cwd(), out).replaceAll('.', '\\.')}: analysis 'org-compliance'`),
    );
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(
      normalizeBody('quicksight-analysis', JSON.parse(before) as Json),
    );
    expect(await readFile(join(root, ANALYSIS_FILE), 'utf8')).toBe(before);
  });

  it('a data set quicksight/data-sets/ does not define: a warning naming it, and validate refuses the file', async () => {
    await editState((body) => {
      (body.Definition as { DataSetIdentifierDeclarations: Json[] }).DataSetIdentifierDeclarations.push({
        Identifier: 'costs',
        DataSetArn: 'arn:aws:quicksight:eu-west-1:000000000000:dataset/org-compliance-costs',
      });
    });
    const io = capture();

    expect(await run(['export-quicksight', '--analysis', ANALYSIS, ...common], io)).toBe(0);

    expect(io.stderr.slice(1)).toEqual([
      `warning: ${ANALYSIS_FILE} names data set 'org-compliance-costs', which quicksight/data-sets/ does not define: validate will refuse the file ("\${dataSet:org-compliance-costs} names no data set in quicksight/") until quicksight/data-sets/org-compliance-costs.json exists`,
    ]);
    const validate = capture();
    expect(await run(['validate', ...common], validate)).toBe(1);
    expect(validate.stderr).toHaveLength(1);
    expect(validate.stderr[0]).toMatch(
      /^quicksight\/analyses\/org-compliance\.json:\d+:\d+: error: Definition\.DataSetIdentifierDeclarations\[3\]\.DataSetArn: \$\{dataSet:org-compliance-costs\} names no data set in quicksight\/; did you mean 'org-compliance-accounts'\?$/,
    );
  });

  it('an unknown analysis: exit 1, naming the analyses there; nothing written', async () => {
    const before = await readFile(join(root, ANALYSIS_FILE), 'utf8');
    const io = capture();

    expect(await run(['export-quicksight', '--analysis', 'org-complaince', ...common], io)).toBe(1);

    expect(io.stderr.at(-1)).toBe(
      `Error: No QuickSight analysis 'org-complaince' in the local target's state (${join(localDir, 'state.json')}); analyses there: org-compliance`,
    );
    expect(io.stdout).toEqual([]);
    expect(await readFile(join(root, ANALYSIS_FILE), 'utf8')).toBe(before);
  });

  it('nothing deployed yet: says there are no analyses', async () => {
    const empty = join(localDir, 'empty');
    const io = capture();
    expect(
      await run(['export-quicksight', '--analysis', ANALYSIS, '--root', root, '--local-dir', empty], io),
    ).toBe(1);
    expect(io.stderr.at(-1)).toBe(
      `Error: No QuickSight analysis '${ANALYSIS}' in the local target's state (${join(empty, 'state.json')}); there are no analyses there`,
    );
  });

  it('an id that is not one is refused before anything is read', async () => {
    const io = capture();
    expect(await run(['export-quicksight', '--analysis', '../../config/org', ...common], io)).toBe(1);
    expect(io.stderr).toEqual([
      "Error: --analysis must be a QuickSight analysis id (letters, digits, _ and -, at most 512), got '../../config/org'",
    ]);
  });

  it('--analysis is required, and --stdout and --out exclude each other', async () => {
    const missing = capture();
    expect(await run(['export-quicksight', ...common], missing)).toBe(1);
    expect(missing.stderr[0]).toBe("error: required option '--analysis <id>' not specified");

    const both = capture();
    expect(
      await run(
        ['export-quicksight', '--analysis', ANALYSIS, '--stdout', '--out', 'x.json', ...common],
        both,
      ),
    ).toBe(1);
    expect(both.stderr[0]).toBe("error: option '--stdout' cannot be used with option '--out <file>'");
  });
});
