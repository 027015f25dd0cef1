import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { loadRepository } from '../../src/load/index.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = '2026-11-28';
let base: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'org-compliance-workspace-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function workspace(regions: number): Promise<string> {
  const root = join(base, `r${regions}`);
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts: 6,
    ous: 4,
    seed: 5,
    until: TODAY,
  });
  await prepareDemoWorkspace({
    sourceRoot: REPO_ROOT,
    root,
    organization,
    notYetListed: [],
    regions,
    today: TODAY,
  });
  return root;
}

describe('the demo workspace and rules that list their regions', () => {
  test('without us-east-1 the us-east-1-only rule is left out, and the copy loads without an error', async () => {
    const root = await workspace(2);
    const result = await loadRepository(root, { today: TODAY });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.repository?.org.regions).toEqual(['eu-west-1', 'eu-central-1']);
    const names = result.repository?.rules.map((r) => r.name) ?? [];
    expect(names).toHaveLength(67);
    expect(names).not.toContain('security-cloudfront-viewer-policy-https');
  });

  test('with us-east-1 config/rules.yaml is copied unchanged', async () => {
    const root = await workspace(3);
    expect(await readFile(join(root, 'config/rules.yaml'), 'utf8')).toBe(
      await readFile(join(REPO_ROOT, 'config/rules.yaml'), 'utf8'),
    );
  });
});
