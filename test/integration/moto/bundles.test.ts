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
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOutputs } from '../../github/run-action.js';
import { REPO_ROOT, scratchRepo } from '../../helpers/repo.js';
import { MOTO_CREDENTIALS, type Moto, motoEnv, startMoto } from '../harness/moto.js';

const TODAY = '2026-11-28';

let moto: Moto;
let organizationId = '';
const created: { id: string; name: string; ouPath: string }[] = [];
let root = '';
let work = '';

/** Copies actions/<name> (action.yml and dist/) into a fresh directory of its own, as a runner has it. */
async function copyAction(name: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), `action-${name}-`)), name);
  await cp(join(REPO_ROOT, 'actions', name), dir, { recursive: true });
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'node_modules')))
      throw new Error(`${d} has node_modules: the copy proves nothing`);
  }
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs `node dist/index.js` in a copy of the action with only the runner's variables and moto's. */
async function runCopy(name: string, inputs: Record<string, string>): Promise<Run> {
  const dir = await copyAction(name);
  const outputFile = join(work, `${name}-${Date.now()}.out`);
  const summaryFile = join(work, `${name}-${Date.now()}.md`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: root,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...motoEnv(moto),
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['dist/index.js'], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

/** No run may fail to load a module: that is the failure this suite exists for. */
function expectLoaded(run: Run): void {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/);
  expect(run.stdout.split('\n')[0]).toMatch(/^org-compliance \d+\.\d+\.\d+ \w+ \(Node\.js v\d+/);
}

beforeAll(async () => {
  moto = await startMoto();
  work = await mkdtemp(join(tmpdir(), 'bundles-on-moto-'));
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
    expect(plan.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['create glue-table']);

    const applied = await runCopy('apply', { root, today: TODAY, scope: 'glue' });
    expectLoaded(applied);
    expect(applied.code, applied.stdout).toBe(0);
    expect(applied.outputs.ok).toBe('true');
    expect(JSON.parse(applied.outputs['result-json'] ?? '{}')).toMatchObject({
      ok: true,
      results: [{ action: 'create', outcome: 'done' }],
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
    glue.destroy();
    expect(table?.Parameters?.['projection.enabled']).toBe('true');
    expect(table?.Parameters?.['managed-by']).toBe('org-compliance');
    expect(table?.PartitionKeys?.map((k) => k.Name)).toEqual(['account', 'region', 'dt', 'itemtype']);

    const second = await runCopy('plan', { root, today: TODAY, scope: 'glue' });
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs['has-changes']).toBe('false');
  });

  it('report fails with a message naming what moto could not answer', async () => {
    const run = await runCopy('report', { root, today: TODAY, 'dry-run': 'true' });
    expectLoaded(run);
    expect(run.code).toBe(1);
    // moto's Athena answers every query with an empty result without columns; a real SELECT always
    // names its columns, so the report refuses to read that as "no data".
    expect(run.stdout).toMatch(
      /^::error::Athena query [0-9a-f-]{36} \([a-z ]+\) succeeded, but its result has no columns, which no SELECT returns: the service that answered did not run the query$/m,
    );
    expect(run.summary).toBe('');
  });
});
