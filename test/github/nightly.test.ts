import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { ACCOUNTS_BRANCH, ACCOUNTS_LABELS, nightlyDryRun } from '../../src/github/accounts-pr.js';
import { syncPullRequest } from '../../src/github/pull-request.js';
import { parseAccounts } from '../../src/load/accounts.js';
import { YamlFile } from '../../src/load/yaml-file.js';
import { scratchRepo } from '../helpers/repo.js';
import { FakeGitHub } from './fake-github.js';
import { createFixture } from './git-fixture.js';

const TODAY = '2026-11-28';
const NEWCOMER = {
  id: '004200420042',
  name: 'genomics-prod',
  state: 'ACTIVE',
  ouPath: '/Root/Workloads/Prod',
  joined: '2026-11-27',
};

describe('the nightly flow, dry run on the local target', () => {
  let root: string;
  let localDir: string;

  beforeEach(async () => {
    ({ root, localDir } = await scratchRepo());
    await mkdir(localDir, { recursive: true });
  });

  async function writeOrg(extra: (typeof NEWCOMER)[]) {
    const org = syntheticOrganization(DEMO_ORG);
    org.accounts.push(...extra);
    await writeFile(join(localDir, 'org.json'), JSON.stringify(org));
  }

  it('a new account in the Organization produces the accounts.yaml change and the pull request it would send', async () => {
    await writeOrg([NEWCOMER]);
    const before = await readFile(join(root, 'config/accounts.yaml'), 'utf8');

    const dry = await nightlyDryRun({ root, localDir, today: TODAY });

    expect(dry.changes.added).toEqual([NEWCOMER]);
    expect(dry.changes.changed).toBe(true);
    // Nothing written: the repository is as it was.
    expect(await readFile(join(root, 'config/accounts.yaml'), 'utf8')).toBe(before);
    expect(dry.accountsYamlBefore).toBe(before);
    // The new text is the old one with the account appended, quoted as the loader requires.
    expect(dry.accountsYaml.startsWith(before)).toBe(true);
    expect(dry.accountsYaml.slice(before.length)).toBe(
      [
        "  - id: '004200420042'",
        '    name: genomics-prod',
        '    state: ACTIVE',
        '    ou: /Root/Workloads/Prod',
        "    joined: '2026-11-27'",
        '',
      ].join('\n'),
    );
    const parsed = parseAccounts(YamlFile.parse('config/accounts.yaml', dry.accountsYaml));
    expect(parsed?.find((a) => a.id === NEWCOMER.id)).toMatchObject({
      name: 'genomics-prod',
      state: 'ACTIVE',
    });

    const pr = dry.pullRequest;
    expect(pr).toMatchObject({
      branch: ACCOUNTS_BRANCH,
      title: 'Accounts: 1 added',
      labels: ACCOUNTS_LABELS,
      files: { 'config/accounts.yaml': dry.accountsYaml },
    });
    expect(pr?.body).toContain(
      '`config/accounts.yaml` is behind AWS Organization `o-a1b2c3d4e5` as discover read it on 2026-11-28: 1 added.',
    );
    expect(pr?.body).toContain(
      [
        '| change | account | name | detail |',
        '|---|---|---|---|',
        '| added | `004200420042` | genomics-prod | /Root/Workloads/Prod, ACTIVE, joined 2026-11-27 |',
      ].join('\n'),
    );
    expect(pr?.body).not.toContain('Auto-merge is on');
  });

  it('renamed, moved and closed accounts each get a row', async () => {
    const org = syntheticOrganization(DEMO_ORG);
    const [a, b, c] = org.accounts.filter((x) => x.state === 'ACTIVE');
    if (!a || !b || !c) throw new Error('the demo organization has active accounts');
    const oldName = a.name;
    const oldOu = b.ouPath;
    a.name = `${a.name}-renamed`;
    b.ouPath = '/Root/Sandbox';
    c.state = 'SUSPENDED';
    await writeFile(join(localDir, 'org.json'), JSON.stringify(org));

    const dry = await nightlyDryRun({ root, localDir, today: TODAY, autoMerge: true });

    expect(dry.pullRequest?.title).toBe('Accounts: 1 closed, 1 renamed, 1 moved');
    const body = dry.pullRequest?.body ?? '';
    expect(body).toContain(`| closed | \`${c.id}\` | ${c.name} | ACTIVE → SUSPENDED |`);
    expect(body).toContain(`| renamed | \`${a.id}\` | ${a.name} | was ${oldName} |`);
    expect(body).toContain(`| moved | \`${b.id}\` | ${b.name} | ${oldOu} → /Root/Sandbox |`);
    expect(body).toContain('Auto-merge is on');
    expect(dry.accountsYaml).toContain(`closed: '${TODAY}'`);
  });

  it('an Organization that matches accounts.yaml sends nothing', async () => {
    await writeOrg([]);
    const dry = await nightlyDryRun({ root, localDir, today: TODAY });
    expect(dry.changes.changed).toBe(false);
    expect(dry.pullRequest).toBeUndefined();
    expect(dry.accountsYaml).toBe(dry.accountsYamlBefore);
  });

  it('what the dry run would send is what the real run sends: the same branch, file and body reach GitHub', async () => {
    await writeOrg([NEWCOMER]);
    const dry = await nightlyDryRun({ root, localDir, today: TODAY });
    const pr = dry.pullRequest;
    if (!pr) throw new Error('expected a pull request');
    const fx = await createFixture({ 'config/accounts.yaml': dry.accountsYamlBefore });
    const gh = new FakeGitHub();

    const result = await syncPullRequest({
      octokit: gh.client(),
      owner: 'acme',
      repo: 'compliance',
      git: fx.runner,
      base: 'main',
      branch: pr.branch,
      title: pr.title,
      body: pr.body,
      labels: pr.labels,
      files: pr.files,
      autoMerge: false,
    });

    expect(result.outcome).toBe('created');
    expect(gh.requests[1]).toEqual({
      method: 'POST',
      path: '/repos/acme/compliance/pulls',
      query: {},
      body: { title: 'Accounts: 1 added', head: ACCOUNTS_BRANCH, base: 'main', body: pr.body },
    });
    expect(await fx.show(ACCOUNTS_BRANCH, 'config/accounts.yaml')).toBe(dry.accountsYaml.trimEnd());
    expect(await fx.inBare(['diff', '--name-only', 'main', ACCOUNTS_BRANCH])).toBe('config/accounts.yaml');
  });
});
