import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_DELETES } from '../apply/apply.js';
import { FAST_PATH_MAX_BYTES } from '../compact/extract.js';
import { DEMO_DEFAULTS, type DemoOptions } from '../demo/defaults.js';
import { type Diagnostic, formatDiagnostic, loadForRun } from '../load/index.js';
import type { ViewGrammarCheck } from '../load/view-syntax.js';
import type { AccessMode, Repository, TargetMode } from '../model/config.js';
import { isCalendarDate, toIsoDate } from '../model/dates.js';
import type { Target } from '../model/provider.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { present } from '../model/values.js';
import { DEFAULT_LOCAL_DIR } from '../providers/local/store.js';
import { diagnosticAnnotation } from '../report/annotations.js';
import { createAnalysisSource, createTarget, TARGET_NAMES, type TargetName } from '../targets.js';
import { VERSION } from '../version.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type Io, progress } from './io.js';
import type { ReportFormat } from './report.js';
import { commandList, missingRepository } from './repository-root.js';

/** The report command's own options. */
interface ReportOptions {
  format: ReportFormat;
  out?: string;
  resources: number;
  minSeverity?: Severity;
}

export { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type Io } from './io.js';

interface CommonOptions {
  target: TargetName;
  localDir: string;
  root: string;
  strict?: boolean;
  today?: string;
  base?: string;
}

/** Records a command's exit code. */
type SetExit = (code: number) => void;

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number, got '${value}'`);
  return Number(value);
}

function parseDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got '${value}'`);
  return value;
}

/** The options of every command that reads the repository and a target. */
function withCommon(cmd: Command): Command {
  return cmd
    .addOption(new Option('--target <target>', 'where to reconcile').choices(TARGET_NAMES).default('local'))
    .option('--local-dir <dir>', 'directory of the local target', DEFAULT_LOCAL_DIR)
    .option('--root <dir>', 'repository root holding config/, sql/, quicksight/', '.')
    .addOption(
      new Option('--today <date>', 'evaluate as of this date (YYYY-MM-DD)').argParser(parseDate).hideHelp(),
    );
}

/** The options of the commands that review a change (validate, plan, apply): the others take neither. */
function withReview(cmd: Command): Command {
  return cmd
    .option('--strict', 'treat unknown managed-rule identifiers as errors')
    .option(
      '--base <ref>',
      'git revision whose config/exceptions.yaml was already reviewed: an expiry in the past is refused only on exceptions new or changed since then',
      'HEAD',
    );
}

/** Prints diagnostics to stderr, and as annotations on stdout in GitHub Actions. */
function printDiagnostics(diagnostics: readonly Diagnostic[], io: Io): void {
  for (const d of diagnostics) {
    io.err(formatDiagnostic(d));
    if (io.env.GITHUB_ACTIONS === 'true') io.out(diagnosticAnnotation(d));
  }
}

/** Loads the repository, printing diagnostics. Undefined on error. */
async function load(
  opts: CommonOptions,
  io: Io,
  parts: { quicksight?: boolean; viewGrammar?: ViewGrammarCheck } = {},
): Promise<Repository | undefined> {
  const missing = await missingRepository(resolve(opts.root));
  if (missing !== undefined) {
    io.err(missing);
    return undefined;
  }
  const { repository, diagnostics } = await loadForRun({
    root: resolve(opts.root),
    strict: opts.strict ?? false,
    today: today(opts),
    baseRef: opts.base ?? 'HEAD',
    // The CLI runs from a checkout with node_modules: the views are parsed with Trino's grammar
    // by every command that deploys them.
    viewGrammar: 'required',
    ...parts,
  });
  printDiagnostics(diagnostics, io);
  return repository;
}

function today(opts: CommonOptions): string {
  return opts.today ?? toIsoDate(new Date());
}

/** The target the options name, for the repository's organization. */
function targetOf(repo: Repository, opts: CommonOptions, io: Io, mode?: TargetMode): Promise<Target> {
  return createTarget(opts.target, repo.org, {
    localDir: opts.localDir,
    today: today(opts),
    ...present({ mode }),
    progress: progress(io),
  });
}

export function buildProgram(io: Io, setExit: SetExit): Command {
  const program = new Command('org-compliance')
    .description('GitOps for AWS Config compliance across an AWS Organization')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  addValidateCommand(program, io, setExit);
  addDiscoverCommand(program, io, setExit);
  addPlanCommand(program, io, setExit);
  addApplyCommand(program, io, setExit);
  addExportQuickSightCommand(program, io, setExit);
  addCompactCommand(program, io, setExit);
  addReportCommand(program, io, setExit);
  addDemoCommand(program, io, setExit);
  addDoctorCommand(program, io, setExit);
  // The commands kept the whole help after their own errors; an unknown command lists the commands.
  program.showHelpAfterError(commandList(program.commands.map((c) => c.name())));
  return program;
}

function addValidateCommand(program: Command, io: Io, setExit: SetExit): void {
  withReview(withCommon(program.command('validate')))
    .description(
      'check config/*.yaml, sql/views/ and quicksight/ (views built in DuckDB, data set columns checked against them); exit 1 on any error',
    )
    .action(async (opts: CommonOptions) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      progress(io)('Building the views in DuckDB to check the QuickSight data sets against their columns');
      const { checkViewsAndDataSets } = await import('../pipeline/check-quicksight.js');
      const checked = await checkViewsAndDataSets(repo, today(opts));
      printDiagnostics(checked.diagnostics, io);
      if (checked.diagnostics.some((d) => d.severity === 'error')) return setExit(EXIT_ERROR);
      io.out(
        `Valid: ${repo.accounts.length} accounts, ${repo.rules.length} rules in ${repo.org.regions.length} regions, ` +
          `${checked.views} views, ${repo.quicksight.length} QuickSight definitions ` +
          `(${checked.dataSets} data sets checked against their views).`,
      );
      setExit(EXIT_OK);
    });
}

function addDiscoverCommand(program: Command, io: Io, setExit: SetExit): void {
  withCommon(program.command('discover'))
    .description('compare config/accounts.yaml with the Organization; exit 2 when they differ')
    .option('--write', 'rewrite config/accounts.yaml (comments, order and your own fields are kept)')
    .action(async (opts: CommonOptions & { write?: boolean }) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      const target = await targetOf(repo, opts, io);
      const org = await target.organization.readOrganization(progress(io));
      const [{ compareAccounts }, { renderAccountChangesText }, { updateAccountsYaml }] = await Promise.all([
        import('../discover/compare.js'),
        import('../report/plan-text.js'),
        import('../discover/write-accounts.js'),
      ]);
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
}

/**
 * What plan and apply need beyond the repository: loaded by those commands only. The desired
 * state resolves dashboards with QuickSight's API schemas, which take a few hundred milliseconds
 * and some 40 MB to load that the report and compact commands do not need.
 */
async function planModules() {
  const [{ runPlan }, { renderPlanText, renderApplyText }] = await Promise.all([
    import('../pipeline/plan.js'),
    import('../report/plan-text.js'),
  ]);
  return { runPlan, renderPlanText, renderApplyText };
}

function addPlanCommand(program: Command, io: Io, setExit: SetExit): void {
  withReview(withCommon(program.command('plan')))
    .description('show what apply would change; exit 0 with no changes, 2 with changes, 1 on error')
    .option('--json', 'print the plan as JSON')
    .option('-v, --verbose', 'list unchanged resources too')
    .action(async (opts: CommonOptions & { json?: boolean; verbose?: boolean }) => {
      const repo = await load(opts, io);
      if (!repo) return setExit(EXIT_ERROR);
      const target = await targetOf(repo, opts, io);
      const { runPlan, renderPlanText } = await planModules();
      const run = await runPlan(repo, target, { today: today(opts), progress: progress(io), impact: true });
      if (opts.json) io.out(JSON.stringify({ ...run.plan, accounts: run.accounts }, null, 2));
      else {
        io.out(renderPlanText(run.plan, { verbose: opts.verbose ?? false }));
        if (run.accounts.changed) {
          io.out(`! config/accounts.yaml is behind the Organization; run 'org-compliance discover --write'.`);
        }
      }
      setExit(run.plan.conflicts.length ? EXIT_ERROR : run.plan.hasChanges ? EXIT_CHANGES : EXIT_OK);
    });
}

function addApplyCommand(program: Command, io: Io, setExit: SetExit): void {
  withReview(withCommon(program.command('apply')))
    .description('plan, then carry the plan out (one apply at a time: the target holds a lock)')
    .option('--auto-approve', 'do not ask for confirmation')
    .option(
      '--max-deletes <n>',
      'refuse to apply a plan that deletes more than this',
      parseCount,
      DEFAULT_MAX_DELETES,
    )
    .option('--force-unlock', 'remove the apply lock first, whoever holds it (only when no apply is running)')
    .action(
      async (opts: CommonOptions & { autoApprove?: boolean; maxDeletes: number; forceUnlock?: boolean }) => {
        const repo = await load(opts, io);
        if (!repo) return setExit(EXIT_ERROR);
        const target = await targetOf(repo, opts, io, 'write');
        const { runPlan, renderPlanText, renderApplyText } = await planModules();
        const { apply, ApplyRefusedError } = await import('../apply/apply.js');
        const { withApplyLock, holderOf, LockHeldError } = await import('../apply/lock.js');
        const lockOptions = {
          holder: holderOf(io.env, hostname(), process.pid),
          ...(opts.forceUnlock ? { forceUnlock: true } : {}),
          progress: progress(io),
        };
        try {
          // The plan is made under the lock too: another apply cannot change what it describes.
          await withApplyLock(target, lockOptions, async () => {
            const run = await runPlan(repo, target, { today: today(opts), progress: progress(io) });
            io.out(renderPlanText(run.plan));
            if (!run.plan.hasChanges) return setExit(EXIT_OK);
            if (!opts.autoApprove && !(await confirmed(io))) return setExit(EXIT_ERROR);
            const result = await apply(run.plan, target, {
              maxDeletes: opts.maxDeletes,
              progress: progress(io),
            });
            io.out(renderApplyText(result));
            setExit(result.ok ? EXIT_OK : EXIT_ERROR);
          });
        } catch (e) {
          if (e instanceof ApplyRefusedError || e instanceof LockHeldError) {
            io.err(e.message);
            return setExit(EXIT_ERROR);
          }
          throw e;
        }
      },
    );
}

/** Asks before applying; false (saying why) when nobody can answer or the answer is not 'yes'. */
async function confirmed(io: Io): Promise<boolean> {
  if (!io.isTTY || !io.confirm) {
    io.err('Refusing to apply without confirmation: pass --auto-approve in a non-interactive session.');
    return false;
  }
  if (!(await io.confirm("Apply these changes? Only 'yes' is accepted: "))) {
    io.err('Apply cancelled.');
    return false;
  }
  return true;
}

function addExportQuickSightCommand(program: Command, io: Io, setExit: SetExit): void {
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
      const { defaultExportPath, exportQuickSightAnalysis, renderExportText } = await import(
        '../pipeline/export-quicksight.js'
      );
      const source = await createAnalysisSource(opts.target, repo.org, {
        localDir: opts.localDir,
        progress: progress(io),
      });
      const out = opts.stdout ? undefined : resolve(opts.out ?? defaultExportPath(repo, opts.analysis));
      const result = await exportQuickSightAnalysis(repo, source, {
        analysisId: opts.analysis,
        ...present({ out }),
        progress: progress(io),
      });
      for (const warning of result.warnings) io.err(`warning: ${warning}`);
      if (result.written === undefined) io.out(result.text.trimEnd());
      else io.out(renderExportText(result, relative(process.cwd(), result.written) || result.written));
      setExit(EXIT_OK);
    });
}

function addCompactCommand(program: Command, io: Io, setExit: SetExit): void {
  withCommon(program.command('compact'))
    .description(
      "turn the trend window's newest snapshot files into the compacted tables the views read (Parquet under data.prefix/compacted/); writes only days whose files changed",
    )
    .option('--workers <n>', 'extraction threads (default: one per core, at most 4)', parseCount)
    .action(async (opts: CommonOptions & { workers?: number }) => {
      const repo = await load(opts, io, { quicksight: false, viewGrammar: 'skip' });
      if (!repo) return setExit(EXIT_ERROR);
      // aws: the compact role (roles.data.compact, else roles.data.write), no management role.
      const target = await targetOf(repo, opts, io, 'compact');
      const started = performance.now();
      const result = await target.compact(present({ workers: opts.workers }));
      const rows = result.written.reduce((n, d) => n + d.rows, 0);
      const files = result.written.reduce((n, d) => n + d.files, 0);
      const streamed = result.written.reduce((n, d) => n + d.streamed, 0);
      io.out(
        `Compacted ${result.written.length} day(s) (${files.toLocaleString('en-US')} snapshot files, ${rows.toLocaleString('en-US')} evaluations` +
          `${streamed > 0 ? `, ${streamed} file(s) over ${FAST_PATH_MAX_BYTES / 1024 / 1024} MiB streamed` : ''}) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
          `${result.unchanged} day(s) up to date${result.skipped > 0 ? `, ${result.skipped} compacted earlier and not listed again` : ''}` +
          `${result.unreadable.length > 0 ? `; ${result.unreadable.length} snapshot file(s) could not be read (named in the warnings above)` : ''}.`,
      );
      setExit(EXIT_OK);
    });
}

function addReportCommand(program: Command, io: Io, setExit: SetExit): void {
  withCommon(program.command('report'))
    .description(
      'the compliance report: worst accounts, least-followed rules, categories, severities, frameworks, OUs, failing resources and what changed, stale data',
    )
    .addOption(
      new Option('--format <format>', 'output format; csv: every failing resource, not the report')
        .choices(['md', 'json', 'html', 'csv'])
        .default('md'),
    )
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option(
      '--resources <n>',
      'failing resources the report carries, oldest failure first (the total is always given)',
      parseCount,
      100,
    )
    .addOption(
      new Option(
        '--min-severity <severity>',
        'list only rules (and their failing resources) this severe or more; the scores stay whole',
      ).choices(SEVERITIES),
    )
    .action(async (opts: CommonOptions & ReportOptions) => {
      // The report reads the views only: quicksight/ is neither read nor checked.
      const repo = await load(opts, io, { quicksight: false, viewGrammar: 'skip' });
      if (!repo) return setExit(EXIT_ERROR);
      const where = {
        target: opts.target,
        localDir: opts.localDir,
        today: today(opts),
        resources: opts.resources,
        ...present({ minSeverity: opts.minSeverity }),
      };
      const { produceReport } = await import('./report.js');
      const text = await produceReport(repo, where, io, opts.format);
      if (opts.out) {
        await writeFile(opts.out, text);
        io.out(`Wrote ${opts.out}.`);
      } else io.out(text.trimEnd());
      setExit(EXIT_OK);
    });
}

function addDemoCommand(program: Command, io: Io, setExit: SetExit): void {
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
      const missing = await missingRepository(resolve(opts.root));
      if (missing !== undefined) {
        io.err(missing);
        return setExit(EXIT_ERROR);
      }
      const { runDemo } = await import('../demo/run.js');
      setExit(await runDemo(opts, io, (args) => runCommand(['node', 'org-compliance', ...args], io)));
    });
}

interface DoctorOptions extends CommonOptions {
  mode: AccessMode;
  json?: boolean;
  sesFrom?: string;
  sesRegion?: string;
  recipients?: string;
}

function addDoctorCommand(program: Command, io: Io, setExit: SetExit): void {
  withCommon(program.command('doctor'))
    .description(
      'check the set-up read-only, one line per check (credentials, roles, Organizations, Config, the snapshot bucket, Glue, Athena, QuickSight, SES), each warning and failure with its fix; exit 1 when a check fails',
    )
    .addOption(
      new Option('--mode <mode>', 'which roles of config/org.yaml to check: read (plans) or write (apply)')
        .choices(['read', 'write'])
        .default('read'),
    )
    .option('--json', 'print the checks as JSON')
    .option(
      '--ses-from <address>',
      "the report's sender, as the report action's ses-from input (default report.from)",
    )
    .option(
      '--ses-region <region>',
      "SES's region, as the report action's ses-region input (default homeRegion)",
    )
    .option(
      '--recipients <list>',
      "the report's recipients, comma-separated (default report.recipients); only counted",
    )
    .action(async (opts: DoctorOptions) => {
      const repo = await load(opts, io, { viewGrammar: 'skip' });
      if (!repo) return setExit(EXIT_ERROR);
      const [{ exitCodeOf }, { renderDoctorJson, renderDoctorText }] = await Promise.all([
        import('../doctor/checks.js'),
        import('../doctor/render.js'),
      ]);
      const checks =
        opts.target === 'aws' ? await doctorOnAws(repo, opts, io) : await doctorOnLocal(repo, opts);
      const run = { target: opts.target, mode: opts.mode, checks };
      io.out(opts.json ? renderDoctorJson(run) : renderDoctorText(run));
      setExit(exitCodeOf(checks));
    });
}

async function doctorOnLocal(repo: Repository, opts: DoctorOptions) {
  const [{ runLocalDoctor }, { localDoctorProbes }] = await Promise.all([
    import('../doctor/local-checks.js'),
    import('../providers/local/doctor.js'),
  ]);
  return runLocalDoctor(repo.org, localDoctorProbes(resolve(opts.localDir)), Date.now());
}

async function doctorOnAws(repo: Repository, opts: DoctorOptions, io: Io) {
  const [{ runAwsDoctor }, { awsDoctorProbes }] = await Promise.all([
    import('../doctor/aws-checks.js'),
    import('../providers/aws/doctor.js'),
  ]);
  const listed = (opts.recipients ?? '').split(/[,\n]/).filter((r) => r.trim() !== '');
  const from = opts.sesFrom || repo.org.report.from;
  progress(io)(`Checking the set-up on AWS (${opts.mode} mode), read-only`);
  return runAwsDoctor(
    {
      org: repo.org,
      accounts: repo.accounts,
      rules: repo.rules,
      usesQuickSight: repo.quicksight.length > 0,
      mode: opts.mode,
      today: today(opts),
      email: {
        ...present({ from }),
        recipients: listed.length > 0 ? listed.length : repo.org.report.recipients.length,
        region: opts.sesRegion || repo.org.homeRegion,
      },
    },
    awsDoctorProbes(repo.org, opts.mode),
  );
}

/** Runs one command line (as process.argv holds it); returns its exit code and lets errors through. */
async function runCommand(argv: string[], io: Io): Promise<number> {
  let exit = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  await program.parseAsync(argv);
  return exit;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    return await runCommand(argv, io);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    if (err.code?.startsWith('commander.')) return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    io.err(`Error: ${err.message}`);
    return EXIT_ERROR;
  }
}
