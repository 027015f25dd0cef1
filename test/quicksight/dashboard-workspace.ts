/**
 * A generated organization deployed on the local target, for the dashboard tests: the demo's
 * workspace (config/ fitted to the organization) with owners in accounts.yaml, snapshot files,
 * and one apply. Returns what the tests need to change the workspace and apply again.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { apply } from '../../src/apply/apply.js';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import type { ApplyResult } from '../../src/model/plan.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { REPO_ROOT } from '../helpers/repo.js';

export const OWNERS = ['team-platform', 'team-payments', 'team-data'];

export interface DashboardWorkspace {
  root: string;
  localDir: string;
  repo: Repository;
  /** Loads the workspace again, plans and applies; throws when the apply fails. */
  applyAgain(): Promise<ApplyResult>;
}

export async function dashboardWorkspace(o: {
  today: string;
  accounts: number;
  ous: number;
  seed: number;
  days: number;
}): Promise<DashboardWorkspace> {
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-dashboard-'));
  const localDir = join(base, 'local');
  const root = join(base, 'repo');
  await mkdir(localDir, { recursive: true });
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts: o.accounts,
    ous: o.ous,
    seed: o.seed,
    until: o.today,
  });
  await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
  await prepareDemoWorkspace({
    sourceRoot: REPO_ROOT,
    root,
    organization,
    notYetListed: [],
    regions: 2,
    today: o.today,
  });
  // Owners are people's own field in accounts.yaml (the dashboard filters by them); the demo has none.
  const accountsPath = join(root, 'config/accounts.yaml');
  const accountsDoc = parseDocument(await readFile(accountsPath, 'utf8'));
  (accountsDoc.get('accounts') as YAMLSeq).items.forEach((item, i) => {
    (item as YAMLMap).set('owner', OWNERS[i % OWNERS.length]);
  });
  await writeFile(accountsPath, accountsDoc.toString({ lineWidth: 0 }));
  const load = async () => {
    const loaded = await loadRepository(root, { today: o.today });
    if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    return loaded.repository;
  };
  const repo = await load();
  await writeSnapshots({
    org: repo.org,
    organization,
    rules: repo.rules,
    days: o.days,
    until: o.today,
    seed: o.seed,
    s3Dir: join(localDir, 's3'),
  });
  const applyAgain = async () => {
    const r = await load();
    const target = createLocalTarget(r.org, localDir, { today: o.today });
    const result = await apply((await runPlan(r, target, { today: o.today })).plan, target);
    if (!result.ok) throw new Error(result.results.map((x) => x.error).join('\n'));
    return result;
  };
  await applyAgain();
  return { root, localDir, repo, applyAgain };
}
