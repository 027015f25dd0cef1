import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApplyRefusedError, apply, DEFAULT_MAX_DELETES } from '../apply/apply.js';
import { screenshot } from '../demo/screenshot.js';
import { writeSnapshots } from '../demo/snapshots.js';
import { syntheticOrganization } from '../demo/synthetic-org.js';
import { prepareDemoWorkspace, resetDemoDir } from '../demo/workspace.js';
import { compareAccounts } from '../discover/compare.js';
import { updateAccountsYaml } from '../discover/write-accounts.js';
import { EXCEPTIONS_FILE } from '../load/exceptions.js';
import { fileAtRevision } from '../load/git-base.js';
import { formatDiagnostic, loadRepository } from '../load/index.js';
import type { Repository } from '../model/config.js';
import { isCalendarDate, toIsoDate } from '../model/dates.js';
import { checkViewsAndDataSets } from '../pipeline/check-quicksight.js';
import {
  defaultExportPath,
  exportQuickSightAnalysis,
  renderExportText,
} from '../pipeline/export-quicksight.js';
import { runPlan } from '../pipeline/plan.js';
import { runReport } from '../pipeline/report.js';
import { dashboardPagePath } from '../providers/local/quicksight.js';
import { DEFAULT_LOCAL_DIR } from '../providers/local/store.js';
import { diagnosticAnnotation } from '../report/annotations.js';
import {
  type ComplianceReport,
  percent,
  renderReportHtml,
  renderReportMarkdown,
} from '../report/compliance.js';
import { renderAccountChangesText, renderApplyText, renderPlanText } from '../report/plan-text.js';
import { createAnalysisSource, createTarget, TARGET_NAMES, type TargetName } from '../targets.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;

interface CommonOptions {
  target: TargetName;
  localDir: string;
  root: string;
  strict?: boolean;
  today?: string;
  base?: string;
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  confirm?: (question: string) => Promise<boolean>;
}

function progress(io: Io): (message: string) => void {
  return (message) => io.err(`… ${message}`);
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number, got '${value}'`);
  return Number(value);
}

function parseDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got '${value}'`);
  return value;
}

function withCommon(cmd: Command): Command {
  return cmd
    .addOption(new Option('--target <target>', 'where to reconcile').choices(TARGET_NAMES).default('local'))
    .option('--local-dir <dir>', 'directory of the local target', DEFAULT_LOCAL_DIR)
    .option('--root <dir>', 'repository root holding config/, sql/, quicksight/', '.')
    .option('--strict', 'treat unknown managed-rule identifiers as errors')
    .option(
      '--base <ref>',
      'git revision whose config/exceptions.yaml was already reviewed: an expiry in the past is refused only on exceptions new or changed since then',
      'HEAD',
    )
    .addOption(
      new Option('--today <date>', 'evaluate as of this date (YYYY-MM-DD)').argParser(parseDate).hideHelp(),
    );
}

/** Loads the repository, printing diagnostics (as annotations in GitHub Actions). Undefined on error. */
async function load(opts: CommonOptions, io: Io): Promise<Repository | undefined> {
  const root = resolve(opts.root);
  const base = opts.base ?? 'HEAD';
  const previous = await fileAtRevision(root, base, EXCEPTIONS_FILE);
  const { repository, diagnostics } = await loadRepository(root, {
    strict: opts.strict ?? false,
    today: today(opts),
    ...(previous !== undefined ? { previousExceptionsText: previous } : {}),
  });
  for (const d of diagnostics) {
    io.err(formatDiagnostic(d));
    if (io.env.GITHUB_ACTIONS === 'true') io.out(diagnosticAnnotation(d));
  }
  return repository;
}

function today(opts: CommonOptions): string {
  return opts.today ?? toIsoDate(new Date());
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('org-compliance')
    .description('GitOps for AWS Config compliance across an AWS Organization')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  withCommon(program.command('validate'))
    .description(
      'check config/*.yaml, sql/views/ and quicksight/ (views built in DuckDB, data set columns checked against them); exit 1 on any error',
    )
    .action(async (opts: CommonOptions) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      progress(io)('Building the views in DuckDB to check the QuickSight data sets against their columns');
      const checked = await checkViewsAndDataSets(repo, today(opts));
      for (const d of checked.diagnostics) {
        io.err(formatDiagnostic(d));
        if (io.env.GITHUB_ACTIONS === 'true') io.out(diagnosticAnnotation(d));
      }
      if (checked.diagnostics.some((d) => d.severity === 'error')) return setExit(EXIT_ERROR);
      io.out(
        `Valid: ${repo.accounts.length} accounts, ${repo.rules.length} rules in ${repo.org.regions.length} regions, ` +
          `${checked.views} views, ${repo.quicksight.length} QuickSight definitions ` +
          `(${checked.dataSets} data sets checked against their views).`,
      );
      setExit(EXIT_OK);
    });

  withCommon(program.command('discover'))
    .description('compare config/accounts.yaml with the Organization; exit 2 when they differ')
    .option('--write', 'rewrite config/accounts.yaml (comments, order and your own fields are kept)')
    .action(async (opts: CommonOptions & { write?: boolean }) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      const target = await createTarget(opts.target, repo.org, {
        localDir: opts.localDir,
        today: today(opts),
        progress: progress(io),
      });
      const org = await target.organization.readOrganization(progress(io));
      const changes = compareAccounts(repo.accounts, org, repo.org.organizationId);
      io.out(renderAccountChangesText(changes));
      if (changes.organizationMismatch) return setExit(EXIT_ERROR);
      if (changes.changed && opts.write) {
        const file = join(repo.root, 'config/accounts.yaml');
        const text = await readFile(file, 'utf8');
        await writeFile(file, updateAccountsYaml(text, changes, today(opts)));
        io.out(`Wrote ${relative(process.cwd(), file) || file}.`);
      }
      setExit(changes.changed ? EXIT_CHANGES : EXIT_OK);
    });

  withCommon(program.command('plan'))
    .description('show what apply would change; exit 0 with no changes, 2 with changes, 1 on error')
    .option('--json', 'print the plan as JSON')
    .option('-v, --verbose', 'list unchanged resources too')
    .action(async (opts: CommonOptions & { json?: boolean; verbose?: boolean }) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      const target = await createTarget(opts.target, repo.org, {
        localDir: opts.localDir,
        today: today(opts),
        progress: progress(io),
      });
      const run = await runPlan(repo, target, { today: today(opts), progress: progress(io) });
      if (opts.json) io.out(JSON.stringify({ ...run.plan, accounts: run.accounts }, null, 2));
      else {
        io.out(renderPlanText(run.plan, { verbose: opts.verbose ?? false }));
        if (run.accounts.changed) {
          io.out(`! config/accounts.yaml is behind the Organization; run 'org-compliance discover --write'.`);
        }
      }
      setExit(run.plan.conflicts.length ? EXIT_ERROR : run.plan.hasChanges ? EXIT_CHANGES : EXIT_OK);
    });

  withCommon(program.command('apply'))
    .description('plan, then carry the plan out')
    .option('--auto-approve', 'do not ask for confirmation')
    .option(
      '--max-deletes <n>',
      'refuse to apply a plan that deletes more than this',
      parseCount,
      DEFAULT_MAX_DELETES,
    )
    .action(async (opts: CommonOptions & { autoApprove?: boolean; maxDeletes: number }) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      const target = await createTarget(opts.target, repo.org, {
        localDir: opts.localDir,
        today: today(opts),
        mode: 'write',
        progress: progress(io),
      });
      const run = await runPlan(repo, target, { today: today(opts), progress: progress(io) });
      io.out(renderPlanText(run.plan));
      if (!run.plan.hasChanges) return setExit(EXIT_OK);
      if (!opts.autoApprove) {
        if (!io.isTTY || !io.confirm) {
          io.err('Refusing to apply without confirmation: pass --auto-approve in a non-interactive session.');
          return setExit(EXIT_ERROR);
        }
        if (!(await io.confirm("Apply these changes? Only 'yes' is accepted: "))) {
          io.err('Apply cancelled.');
          return setExit(EXIT_ERROR);
        }
      }
      try {
        const result = await apply(run.plan, target, { maxDeletes: opts.maxDeletes, progress: progress(io) });
        io.out(renderApplyText(result));
        setExit(result.ok ? EXIT_OK : EXIT_ERROR);
      } catch (e) {
        if (e instanceof ApplyRefusedError) {
          io.err(e.message);
          return setExit(EXIT_ERROR);
        }
        throw e;
      }
    });

  withCommon(program.command('export-quicksight'))
    .description(
      'write a QuickSight analysis as it is now (designed in the console) to quicksight/analyses/<id>.json, with placeholders for the account and region',
    )
    .requiredOption('--analysis <id>', 'the id of the QuickSight analysis')
    .option('--out <file>', 'write here instead of <root>/quicksight/analyses/<id>.json')
    .addOption(new Option('--stdout', 'print the file instead of writing it').conflicts('out'))
    .action(async (opts: CommonOptions & { analysis: string; out?: string; stdout?: boolean }) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      const source = await createAnalysisSource(opts.target, repo.org, {
        localDir: opts.localDir,
        progress: progress(io),
      });
      const out = opts.stdout ? undefined : resolve(opts.out ?? defaultExportPath(repo, opts.analysis));
      const result = await exportQuickSightAnalysis(repo, source, {
        analysisId: opts.analysis,
        ...(out !== undefined ? { out } : {}),
        progress: progress(io),
      });
      for (const warning of result.warnings) io.err(`warning: ${warning}`);
      if (result.written === undefined) io.out(result.text.trimEnd());
      else io.out(renderExportText(result, relative(process.cwd(), result.written) || result.written));
      setExit(EXIT_OK);
    });

  withCommon(program.command('report'))
    .description('the compliance report: worst accounts, least-followed rules, categories, stale data')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json', 'html']).default('md'))
    .option('--out <file>', 'write the report to this file instead of stdout')
    .action(async (opts: CommonOptions & { format: 'md' | 'json' | 'html'; out?: string }) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      const text = await produceReport(repo, opts, io, opts.format);
      if (opts.out) {
        await writeFile(opts.out, text);
        io.out(`Wrote ${opts.out}.`);
      } else io.out(text.trimEnd());
      setExit(EXIT_OK);
    });

  program
    .command('demo')
    .description(
      'the main job on the local target: generate an organization with Config snapshots, then discover --write, apply (which renders the dashboard) and report; the repository itself is not changed',
    )
    .option('--local-dir <dir>', 'directory of the local target (replaced by each demo)', DEFAULT_LOCAL_DIR)
    .option('--root <dir>', 'repository whose config/ and sql/ are copied', '.')
    .option('--accounts <n>', 'accounts in the organization', parseCount, DEMO_DEFAULTS.accounts)
    .option('--regions <n>', 'configured regions', parseCount, DEMO_DEFAULTS.regions)
    .option('--days <n>', 'days of snapshots', parseCount, DEMO_DEFAULTS.days)
    .option('--seed <n>', 'seed of the generator', parseCount, DEMO_DEFAULTS.seed)
    .action(async (opts: DemoOptions) => {
      setExit(await runDemo(opts, io));
    });

  return program;
}

async function produceReport(
  repo: Repository,
  opts: CommonOptions,
  io: Io,
  format: 'md' | 'json' | 'html',
): Promise<string> {
  const asOf = today(opts);
  const target = await createTarget(opts.target, repo.org, {
    localDir: opts.localDir,
    today: asOf,
    progress: progress(io),
  });
  progress(io)(`Querying the compliance views on the ${target.name} target`);
  const session = await target.openQuerySession();
  try {
    const { report, context } = await runReport(repo, (sql, what) => session.query(sql, what), asOf);
    if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
    if (format === 'html') return renderReportHtml(report, context);
    return renderReportMarkdown(report, context);
  } finally {
    await session.close();
  }
}

/** The demo organization that config/accounts.yaml in this repository describes. */
export const DEMO_ORG = {
  organizationId: 'o-a1b2c3d4e5',
  accounts: 40,
  ous: 20,
  seed: 20210401,
  until: '2026-10-31',
};

export const DEMO_DEFAULTS = { accounts: 40, regions: 3, days: 30, seed: 20210401 };

interface DemoOptions {
  localDir: string;
  root: string;
  accounts: number;
  regions: number;
  days: number;
  seed: number;
}

async function runDemo(opts: DemoOptions, io: Io): Promise<number> {
  const localDir = resolve(opts.localDir);
  const workRoot = join(localDir, 'repo');
  const asOf = toIsoDate(new Date());
  if (opts.accounts < 2) throw new InvalidArgumentError('--accounts must be at least 2');
  if (opts.days < 1) throw new InvalidArgumentError('--days must be at least 1');
  await resetDemoDir(localDir);

  // An organization whose newest account joined yesterday and is not in accounts.yaml yet.
  const org = syntheticOrganization({
    organizationId: DEMO_ORG.organizationId,
    accounts: opts.accounts,
    ous: Math.max(8, Math.min(200, Math.round(opts.accounts / 2))),
    seed: opts.seed,
    until: asOf,
  });
  const newcomer = org.accounts.filter((a) => a.state === 'ACTIVE').at(-1);
  if (newcomer) newcomer.joined = toIsoDate(new Date(Date.parse(`${asOf}T00:00:00Z`) - 86_400_000));
  await writeFile(join(localDir, 'org.json'), `${JSON.stringify(org, null, 2)}\n`);
  await prepareDemoWorkspace({
    sourceRoot: resolve(opts.root),
    root: workRoot,
    organization: org,
    notYetListed: newcomer ? [newcomer.id] : [],
    regions: opts.regions,
    today: asOf,
  });
  const loaded = await loadRepository(workRoot, { today: asOf });
  if (!loaded.repository) {
    for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
    return EXIT_ERROR;
  }
  io.out(
    `Generating ${opts.days} days of Config snapshots for ${org.accounts.length} accounts in ${opts.regions} regions…`,
  );
  const started = Date.now();
  const written = await writeSnapshots({
    org: loaded.repository.org,
    organization: org,
    rules: loaded.repository.rules,
    days: opts.days,
    until: asOf,
    seed: opts.seed,
    s3Dir: join(localDir, 's3'),
  });
  io.out(
    `Wrote ${written.files} snapshot files (${(written.bytes / 1e6).toFixed(1)} MB) under ${join(localDir, 's3')} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );

  const common = ['--local-dir', localDir, '--root', workRoot];
  const steps: [string, string[]][] = [
    ['validate', ['validate']],
    ['discover --write (a new account joined yesterday)', ['discover', '--write']],
    ['apply', ['apply', '--auto-approve']],
  ];
  for (const [title, argv] of steps) {
    io.out(`\n== ${title} ==`);
    let code = EXIT_OK;
    const program = buildProgram(io, (c) => {
      code = c;
    });
    await program.parseAsync(['node', 'org-compliance', ...argv, ...common]);
    if (code === EXIT_ERROR) {
      io.err(`Demo stopped: '${argv[0]}' failed.`);
      return EXIT_ERROR;
    }
  }
  io.out('\n== report ==');
  const repo = (await loadRepository(workRoot, { today: asOf })).repository;
  if (!repo) return EXIT_ERROR;
  const reportOpts: CommonOptions = { target: 'local', localDir, root: workRoot };
  const outputs: [string, 'md' | 'json' | 'html'][] = [
    ['report.md', 'md'],
    ['report.json', 'json'],
    ['report.html', 'html'],
  ];
  for (const [file, format] of outputs) {
    await writeFile(join(localDir, file), await produceReport(repo, reportOpts, io, format));
  }
  const dashboards = repo.quicksight.filter((q) => q.kind === 'quicksight-dashboard');
  if (dashboards.length > 0) {
    // apply rendered each dashboard as it deployed it; the first one is photographed.
    io.out('\n== dashboard (deployed by apply from quicksight/, rendered with the data in DuckDB) ==');
    for (const d of dashboards) io.out(`Dashboard: ${dashboardPagePath(localDir, d.id)}`);
    const first = dashboardPagePath(localDir, (dashboards[0] as { id: string }).id);
    const shot = await screenshot(first, join(localDir, 'dashboard.png'));
    io.out(shot.ok ? `Screenshot: ${join(localDir, 'dashboard.png')}` : `No screenshot: ${shot.why}`);
  }
  const summary = JSON.parse(await readFile(join(localDir, 'report.json'), 'utf8')) as ComplianceReport;
  io.out(
    `Score ${percent(summary.totals.score)} over ${summary.accounts.length} accounts; worst: ${summary.accounts
      .slice(0, 3)
      .map((a) => `${a.name} (${percent(a.score)})`)
      .join(', ')}.`,
  );
  io.out(
    `\nDemo complete. Reports: ${join(localDir, 'report.html')} (open it in a browser), report.md, report.json`,
  );
  io.out(`The configuration it ran on: ${workRoot}`);
  return EXIT_OK;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let exit = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    if (err.code?.startsWith('commander.')) return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    io.err(`Error: ${err.message}`);
    return EXIT_ERROR;
  }
  return exit;
}

export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(question)).trim() === 'yes';
      } finally {
        rl.close();
      }
    },
  };
}
