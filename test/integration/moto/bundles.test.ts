/**
 * The committed action bundles, run the way a GitHub runner runs them: each action directory
 * (action.yml + dist/) copied alone into an empty temporary directory, with no node_modules there
 * or anywhere above it, started with `node dist/index.js`, inputs as INPUT_* variables, and the
 * AWS SDK pointed at moto through AWS_ENDPOINT_URL with dummy credentials.
 *
 * - discover reads the Organization built in moto and proposes the accounts it finds;
 * - plan and apply with `scope: glue` reconcile the Glue table (moto serves Glue; it has no
 *   Organization Config Rules and no QuickSight analyses, so those scopes are not asked for);
 *   a second plan is clean, and GetTable reads back what apply wrote;
 * - report fails with a message naming what moto could not answer.
 *
 * A module the bundle cannot find (the bug of the ncc bundles: `@duckdb/node-api` imported on the
 * first line) fails every one of these at start-up.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../github/fake-github.js';
import { type BundleRun, runBundle, serveFakeGitHub } from '../../github/run-action.js';
import { scratchRepo } from '../../helpers/repo.js';
import { MOTO_CREDENTIALS, type Moto, motoEnv, motoS3Client, startMoto } from '../harness/moto.js';

const TODAY = '2026-11-28';

let moto: Moto;
let organizationId = '';
const created: { id: string; name: string; ouPath: string }[] = [];
let root = '';
let work = '';

const SHA = 'e'.repeat(40);
let github: { url: string; close: () => Promise<void> };

/**
 * Runs `node dist/index.js` in a copy of the action with only the runner's variables and moto's;
 * the GitHub API (apply checks that it deploys the tip of main) is the fake one.
 */
async function runCopy(name: string, inputs: Record<string, string>): Promise<BundleRun> {
  const event = join(work, 'event.json');
  await writeFile(event, JSON.stringify({ repository: { default_branch: 'main' } }));
  return runBundle(
    name,
    { ...inputs, 'github-token': 'test-token' },
    work,
    {
      HOME: work,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: root,
      GITHUB_REPOSITORY: 'acme/compliance',
      GITHUB_SHA: SHA,
      GITHUB_API_URL: github.url,
      GITHUB_EVENT_PATH: event,
      ...motoEnv(moto),
    },
    { copy: true },
  );
}

/** No run may fail to load a module: that is the failure this suite exists for. */
function expectLoaded(run: BundleRun): void {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/);
  expect(run.stdout.split('\n')[0]).toMatch(/^org-compliance \d+\.\d+\.\d+ \w+ \(Node\.js v\d+/);
}

beforeAll(async () => {
  moto = await startMoto();
  // The snapshot bucket of config/org.yaml, which every organization has: apply's lock lives in it.
  const s3 = motoS3Client(moto, 'us-east-1');
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-config-snapshots' }));
  s3.destroy();
  work = await mkdtemp(join(tmpdir(), 'bundles-on-moto-'));
  const gh = new FakeGitHub();
  gh.commits.set(SHA, { files: [] });
  gh.branches.set('main', SHA);
  github = await serveFakeGitHub(gh);
  const orgs = new OrganizationsClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: MOTO_CREDENTIALS,
  });
  const org = await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  organizationId = org.Organization?.Id ?? '';
  const rootId = (await orgs.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  const prod = await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Prod' }));
  for (const [name, ou] of [
    ['payments-prod', 'Prod'],
    ['claims-prod', 'Prod'],
    ['sandbox-1', undefined],
  ] as const) {
    const answer = await orgs.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    const id = answer.CreateAccountStatus?.AccountId ?? '';
    if (ou) {
      await orgs.send(
        new MoveAccountCommand({
          AccountId: id,
          SourceParentId: rootId,
          DestinationParentId: prod.OrganizationalUnit?.Id,
        }),
      );
    }
    created.push({ id, name, ouPath: ou ? `/Root/${ou}` : '/Root' });
  }
  orgs.destroy();

  // The repository's own config/, sql/ and quicksight/, for moto's organization.
  ({ root } = await scratchRepo());
  const orgYaml = join(root, 'config/org.yaml');
  await writeFile(
    orgYaml,
    (await readFile(orgYaml, 'utf8')).replace(/^organizationId: .*$/m, `organizationId: ${organizationId}`),
  );
});

afterAll(async () => {
  await github?.close();
  await moto?.stop();
});

describe('action bundles from a copy without node_modules, against moto', () => {
  it('discover reads the Organization and proposes the accounts it found', async () => {
    const run = await runCopy('discover', { root, today: TODAY });
    expectLoaded(run);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.changed).toBe('true');
    const changes = JSON.parse(run.outputs['changes-json'] ?? '{}') as {
      added: { id: string; name: string; ouPath: string; state: string }[];
    };
    for (const account of created) {
      expect(changes.added).toContainEqual(expect.objectContaining({ ...account, state: 'ACTIVE' }));
    }
    expect(run.summary).toContain('| added |');
  });

  it('plan and apply with scope glue create the Glue table; a second plan is clean', async () => {
    const first = await runCopy('plan', { root, today: TODAY, scope: 'glue' });
    expectLoaded(first);
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs['has-changes']).toBe('true');
    const plan = JSON.parse(first.outputs['plan-json'] ?? '{}') as {
      changes: { kind: string; action: string; key: string }[];
    };
    // The snapshot table, the two compacted tables and the four reference tables (their objects
    // are scope views).
    expect(plan.changes.map((c) => c.key).sort()).toEqual([
      'glue-table/eu-west-1/org_compliance.compacted_evaluations',
      'glue-table/eu-west-1/org_compliance.compacted_files',
      'glue-table/eu-west-1/org_compliance.config_snapshots',
      'glue-table/eu-west-1/org_compliance.ref_accounts',
      'glue-table/eu-west-1/org_compliance.ref_catalog_rules',
      'glue-table/eu-west-1/org_compliance.ref_exceptions',
      'glue-table/eu-west-1/org_compliance.ref_rule_controls',
    ]);
    expect(plan.changes.map((c) => c.action)).toEqual(Array(7).fill('create'));

    const applied = await runCopy('apply', { root, today: TODAY, scope: 'glue' });
    expectLoaded(applied);
    expect(applied.code, applied.stdout).toBe(0);
    expect(applied.outputs.ok).toBe('true');
    expect(JSON.parse(applied.outputs['result-json'] ?? '{}')).toMatchObject({
      ok: true,
      results: Array(7).fill({ action: 'create', outcome: 'done' }),
    });

    // Read back what moto stored, not what was sent.
    const glue = new GlueClient({
      endpoint: moto.endpoint,
      region: 'eu-west-1',
      credentials: MOTO_CREDENTIALS,
    });
    const table = (
      await glue.send(new GetTableCommand({ DatabaseName: 'org_compliance', Name: 'config_snapshots' }))
    ).Table;
    const compacted = (
      await glue.send(new GetTableCommand({ DatabaseName: 'org_compliance', Name: 'compacted_evaluations' }))
    ).Table;
    glue.destroy();
    expect(compacted?.PartitionKeys?.map((k) => k.Name)).toEqual(['dt']);
    expect(compacted?.Parameters?.['projection.dt.format']).toBe('yyyy-MM-dd');
    expect(compacted?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect(table?.Parameters?.['projection.enabled']).toBe('true');
    expect(table?.Parameters?.['managed-by']).toBe('org-compliance');
    expect(table?.PartitionKeys?.map((k) => k.Name)).toEqual(['account', 'region', 'dt', 'itemtype']);

    const second = await runCopy('plan', { root, today: TODAY, scope: 'glue' });
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs['has-changes']).toBe('false');
  });

  it('plan with scope config-rules fails naming the operation moto does not serve (names survive the bundling)', async () => {
    const run = await runCopy('plan', { root, today: TODAY, scope: 'config-rules' });
    expectLoaded(run);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::Could not .*\(DescribeOrganizationConfigRules in [a-z0-9-]+\)/m);
  });

  it('report fails with a message naming what moto could not answer', async () => {
    const run = await runCopy('report', { root, today: TODAY, 'dry-run': 'true' });
    expectLoaded(run);
    expect(run.code).toBe(1);
    // moto's Athena answers every query with an empty result without columns; a real SELECT always
    // names its columns, so the report refuses to read that as "no data".
    expect(run.stdout).toMatch(
      /^::error::Athena query [0-9a-f-]{36} \([^()]+\) succeeded, but its result has no columns, which no SELECT returns: the service that answered did not run the query$/m,
    );
    expect(run.summary).toBe('');
  });
});
