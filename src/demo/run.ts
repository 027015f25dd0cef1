/**
 * The `demo` command: the main job on the local target. It generates an organization with its
 * Config snapshots, prepares a copy of the repository's configuration for it, then runs validate,
 * discover --write, apply and a second plan (which must be clean) through the CLI, and writes and
 * prints the report.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { EXIT_ERROR, EXIT_OK, type Io } from '../cli/io.js';
import { produceReports, type ReportFormat } from '../cli/report.js';
import { formatDiagnostic, loadRepository } from '../load/index.js';
import type { Repository } from '../model/config.js';
import { toIsoDate } from '../model/dates.js';
import type { OrganizationSnapshot } from '../model/provider.js';
import { dashboardPagePath } from '../providers/local/quicksight.js';
import { type ComplianceReport, percent } from '../report/compliance.js';
import type { DemoOptions } from './defaults.js';
import { screenshot } from './screenshot.js';
import { writeSnapshots } from './snapshots.js';
import { syntheticOrganization } from './synthetic-org.js';
import { prepareDemoWorkspace, resetDemoDir } from './workspace.js';

/** The demo organization that config/accounts.yaml in this repository describes. */
export const DEMO_ORG = {
  organizationId: 'o-a1b2c3d4e5',
  accounts: 40,
  ous: 20,
  seed: 20210401,
  until: '2026-10-31',
};

/** Runs one CLI command (the arguments after the program's name); resolves to its exit code. */
export type RunCommand = (args: string[]) => Promise<number>;

/** Runs the demo in `opts.localDir`, the CLI's commands through `command`; returns the exit code. */
export async function runDemo(opts: DemoOptions, io: Io, command: RunCommand): Promise<number> {
  const started = performance.now();
  const localDir = resolve(opts.localDir);
  const workRoot = join(localDir, 'repo');
  const asOf = toIsoDate(new Date());
  if (opts.accounts < 2) throw new InvalidArgumentError('--accounts must be at least 2');
  if (opts.days < 1) throw new InvalidArgumentError('--days must be at least 1');
  await resetDemoDir(localDir);

  const org = await demoOrganization(opts, localDir, workRoot, asOf);
  const loaded = await loadRepository(workRoot, { today: asOf });
  if (!loaded.repository) {
    for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
    return EXIT_ERROR;
  }
  await generateSnapshots(opts, io, loaded.repository, org, localDir, asOf);
  if (!(await runSteps(io, command, ['--local-dir', localDir, '--root', workRoot]))) return EXIT_ERROR;

  io.out('\n== report ==');
  const repo = (await loadRepository(workRoot, { today: asOf })).repository;
  if (!repo) return EXIT_ERROR;
  io.out((await writeReports(repo, io, localDir)).trimEnd());
  await showDashboards(repo, io, localDir);
  const summary = JSON.parse(await readFile(join(localDir, 'report.json'), 'utf8')) as ComplianceReport;
  io.out(
    `Score ${percent(summary.totals.score)} over ${summary.accounts.length} accounts; worst: ${summary.accounts
      .slice(0, 3)
      .map((a) => `${a.name} (${percent(a.score)})`)
      .join(', ')}.`,
  );
  io.out(
    `\nDemo complete in ${((performance.now() - started) / 1000).toFixed(1)} s. Reports: ${join(localDir, 'report.html')} (open it in a browser), report.md, report.json`,
  );
  io.out(`The configuration it ran on: ${workRoot}`);
  return EXIT_OK;
}

/**
 * An organization whose newest account joined yesterday and is not in accounts.yaml yet, written
 * to org.json, and the workspace's configuration fitted to it.
 */
async function demoOrganization(
  opts: DemoOptions,
  localDir: string,
  workRoot: string,
  asOf: string,
): Promise<OrganizationSnapshot> {
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
  return org;
}

async function generateSnapshots(
  opts: DemoOptions,
  io: Io,
  repo: Repository,
  org: OrganizationSnapshot,
  localDir: string,
  asOf: string,
): Promise<void> {
  io.out(
    `Generating ${opts.days} days of Config snapshots for ${org.accounts.length} accounts in ${opts.regions} regions…`,
  );
  const started = Date.now();
  const written = await writeSnapshots({
    org: repo.org,
    organization: org,
    rules: repo.rules,
    days: opts.days,
    until: asOf,
    seed: opts.seed,
    s3Dir: join(localDir, 's3'),
  });
  io.out(
    `Wrote ${written.files} snapshot files (${(written.bytes / 1e6).toFixed(1)} MB) under ${join(localDir, 's3')} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
}

/**
 * validate, discover --write, apply, then plan again, each under a title; false when one fails or
 * the plan after apply is not clean (apply did not converge: that plan exits 2).
 */
async function runSteps(io: Io, command: RunCommand, common: string[]): Promise<boolean> {
  const steps: [string, string[]][] = [
    ['validate', ['validate']],
    ['discover --write (a new account joined yesterday)', ['discover', '--write']],
    ['apply', ['apply', '--auto-approve']],
    ['plan again (after apply it must be clean)', ['plan']],
  ];
  for (const [title, argv] of steps) {
    io.out(`\n== ${title} ==`);
    const code = await command([...argv, ...common]);
    if (code === EXIT_ERROR) {
      io.err(`Demo stopped: '${argv[0]}' failed.`);
      return false;
    }
    if (argv[0] === 'plan' && code !== EXIT_OK) {
      io.err('Demo stopped: the plan after apply is not clean; apply left the changes above undone.');
      return false;
    }
  }
  return true;
}

/** Writes report.md, report.json and report.html; returns the Markdown. */
async function writeReports(repo: Repository, io: Io, localDir: string): Promise<string> {
  const outputs: [string, ReportFormat][] = [
    ['report.md', 'md'],
    ['report.json', 'json'],
    ['report.html', 'html'],
  ];
  // Dated as the report command dates a report: the day it is made. One reading of the views
  // gives all three formats.
  const where = { target: 'local', localDir, today: toIsoDate(new Date()) } as const;
  const texts = await produceReports(
    repo,
    where,
    io,
    outputs.map(([, format]) => format),
  );
  for (const [i, [file]] of outputs.entries()) await writeFile(join(localDir, file), texts[i] as string);
  return texts[0] as string;
}

/** apply rendered each dashboard as it deployed it; the first one is photographed. */
async function showDashboards(repo: Repository, io: Io, localDir: string): Promise<void> {
  const dashboards = repo.quicksight.filter((q) => q.kind === 'quicksight-dashboard');
  if (dashboards.length === 0) return;
  io.out('\n== dashboard (deployed by apply from quicksight/, rendered with the data in DuckDB) ==');
  for (const d of dashboards) io.out(`Dashboard: ${dashboardPagePath(localDir, d.id)}`);
  const first = dashboardPagePath(localDir, (dashboards[0] as { id: string }).id);
  const shot = await screenshot(first, join(localDir, 'dashboard.png'));
  io.out(shot.ok ? `Screenshot: ${join(localDir, 'dashboard.png')}` : `No screenshot: ${shot.why}`);
}
