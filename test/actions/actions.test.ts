import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { editFile, REPO_ROOT, scratchRepo } from '../helpers/repo.js';

const exec = promisify(execFile);

/** Parses the GITHUB_OUTPUT file format (name<<delimiter ... delimiter). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const [, name, delimiter] = m;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
    out[name as string] = body.join('\n');
  }
  return out;
}

/** Runs a committed action bundle the way the runner does: inputs as INPUT_* variables. */
async function runAction(name: string, inputs: Record<string, string>, dir: string) {
  const outputFile = join(dir, `${name}-${Date.now()}.out`);
  const summaryFile = join(dir, `${name}-${Date.now()}.md`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  let stdout = '';
  let code = 0;
  try {
    ({ stdout } = await exec(process.execPath, [join(REPO_ROOT, 'actions', name, 'dist', 'index.js')], {
      env,
    }));
  } catch (e) {
    const err = e as { stdout: string; code: number };
    stdout = err.stdout;
    code = err.code;
  }
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

describe('committed action bundles on the local target', () => {
  let root: string;
  let localDir: string;
  let inputs: Record<string, string>;

  beforeEach(async () => {
    ({ root, localDir } = await scratchRepo());
    await mkdir(localDir, { recursive: true });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    inputs = { root, target: 'local', 'local-dir': localDir, today: '2026-11-28' };
  });

  it('plan sets has-changes, plan-json and plan-markdown; apply applies; plan again has no changes', async () => {
    const plan = await runAction('plan', inputs, localDir);
    expect(plan.code).toBe(0);
    expect(plan.outputs['has-changes']).toBe('true');
    expect(JSON.parse(plan.outputs['plan-json'] ?? '{}').summary).toEqual({
      create: 240,
      update: 0,
      delete: 0,
      noop: 0,
    });
    expect(plan.outputs['plan-markdown']).toContain(
      '**Plan: 240 to create, 0 to update, 0 to delete, 0 unchanged.**',
    );
    expect(plan.summary).toBe(`${plan.outputs['plan-markdown']}\n`);

    const applied = await runAction('apply', inputs, localDir);
    expect(applied.code).toBe(0);
    expect(applied.outputs.ok).toBe('true');
    expect(JSON.parse(applied.outputs['result-json'] ?? '{}')).toMatchObject({ ok: true, writes: 240 });

    const again = await runAction('plan', inputs, localDir);
    expect(again.outputs['has-changes']).toBe('false');
    expect(JSON.parse(again.outputs['plan-json'] ?? '{}').summary.noop).toBe(240);
  }, 60_000);

  it('validation errors become annotations on the file and line, and the step fails', async () => {
    await editFile(join(root, 'config/rules.yaml'), (t) =>
      t.replace(
        'identifier: ROOT_ACCOUNT_MFA_ENABLED',
        'identifier: ROOT_ACCOUNT_MFA_ENABLED\n    maximumExecutionFrequency: Daily',
      ),
    );
    const plan = await runAction('plan', inputs, localDir);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(
      /::error title=rules\[0\]\.maximumExecutionFrequency,file=config\/rules\.yaml,line=\d+,col=32::'Daily' is not an execution frequency/,
    );
    expect(plan.stdout).toContain('::error::1 configuration error(s) in the repository');
  }, 60_000);

  it('apply refuses a non-numeric max-deletes by name', async () => {
    const applied = await runAction('apply', { ...inputs, 'max-deletes': 'many' }, localDir);
    expect(applied.code).toBe(1);
    expect(applied.stdout).toContain("::error::Input 'max-deletes' must be a whole number, got 'many'");
  }, 60_000);

  it('discover reports a new account and, with write, adds it to accounts.yaml', async () => {
    const org = syntheticOrganization(DEMO_ORG);
    org.accounts.push({
      id: '004200420042',
      name: 'genomics-prod',
      state: 'ACTIVE',
      ouPath: '/Root/Workloads/Prod',
      joined: '2026-11-27',
    });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(org));
    const found = await runAction('discover', { ...inputs, write: 'true' }, localDir);
    expect(found.code).toBe(0);
    expect(found.outputs.changed).toBe('true');
    expect(JSON.parse(found.outputs['changes-json'] ?? '{}').added).toEqual([
      {
        id: '004200420042',
        name: 'genomics-prod',
        state: 'ACTIVE',
        ouPath: '/Root/Workloads/Prod',
        joined: '2026-11-27',
      },
    ]);
    expect(found.outputs['changes-markdown']).toContain(
      '| added | `004200420042` | genomics-prod | /Root/Workloads/Prod, ACTIVE, joined 2026-11-27 |',
    );
    expect(await readFile(join(root, 'config/accounts.yaml'), 'utf8')).toContain("- id: '004200420042'");
    const again = await runAction('discover', inputs, localDir);
    expect(again.outputs.changed).toBe('false');
  }, 60_000);
});
