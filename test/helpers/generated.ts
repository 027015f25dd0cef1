/**
 * A scratch repository with a generated organization and its snapshot files, as the demo makes
 * them: org.json, the workspace's config/ (prepareDemoWorkspace), and the files under
 * `<localDir>/s3/`. Shared by the tests that need real-looking data on disk.
 */
import { join } from 'node:path';
import { type SnapshotOptions, type SnapshotSummary, writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { REPO_ROOT, scratchRepo } from './repo.js';

export interface GeneratedWorkspace {
  root: string;
  localDir: string;
  s3Root: string;
  repo: Repository;
  /** What writeSnapshots was given, for snapshotScenario. */
  snapshots: SnapshotOptions;
  summary: SnapshotSummary;
}

export async function generatedWorkspace(o: {
  accounts: number;
  ous: number;
  regions: number;
  days: number;
  seed: number;
  today: string;
  large?: SnapshotOptions['large'];
}): Promise<GeneratedWorkspace> {
  const { root, localDir } = await scratchRepo();
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts: o.accounts,
    ous: o.ous,
    seed: o.seed,
    until: o.today,
  });
  await prepareDemoWorkspace({
    sourceRoot: REPO_ROOT,
    root,
    organization,
    notYetListed: [],
    regions: o.regions,
    today: o.today,
  });
  const loaded = await loadRepository(root, { today: o.today });
  if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const repo = loaded.repository;
  const s3Root = join(localDir, 's3');
  const snapshots: SnapshotOptions = {
    org: repo.org,
    organization,
    rules: repo.rules,
    days: o.days,
    until: o.today,
    seed: o.seed,
    s3Dir: s3Root,
    ...(o.large ? { large: o.large } : {}),
  };
  const summary = await writeSnapshots(snapshots);
  return { root, localDir, s3Root, repo, snapshots, summary };
}
