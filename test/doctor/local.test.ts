import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/doctor/checks.js';
import { runLocalDoctor } from '../../src/doctor/local-checks.js';
import { localDoctorProbes } from '../../src/providers/local/doctor.js';
import { ORG } from '../providers/aws/fakes.js';

let dir: string;
const NOW = Date.parse('2026-12-02T10:00:00Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'org-compliance-doctor-local-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function organization(id = ORG.organizationId) {
  await writeFile(
    join(dir, 'org.json'),
    JSON.stringify({
      organizationId: id,
      accounts: [{ id: '210000000001', name: 'a', state: 'ACTIVE', ouPath: '/Root', joined: '2025-01-01' }],
    }),
  );
}

describe('doctor --target local', () => {
  it('an empty directory: no organization (the fix is demo), the rest waits or is free', async () => {
    const checks = await runLocalDoctor(ORG, localDoctorProbes(dir), NOW);
    expect(checks).toEqual([
      {
        id: 'engine',
        title: 'local engine',
        status: 'pass',
        detail: 'DuckDB and the SQL transpiler are installed',
      },
      {
        id: 'organization',
        title: 'org.json',
        status: 'fail',
        detail: `${dir}/org.json not found: the local target needs an Organization. Run 'org-compliance demo' to generate one, or write it in the documented shape.`,
        remedy: "run 'org-compliance demo' to make a local target with an organization and snapshots",
      },
      {
        id: 'state',
        title: 'state.json',
        status: 'pass',
        detail: 'nothing deployed yet: apply deploys to it',
      },
      { id: 'lock', title: 'apply lock', status: 'pass', detail: 'free' },
      {
        id: 'snapshots',
        title: 'snapshot files',
        status: 'skip',
        detail: 'skipped: needs org.json (failed)',
      },
    ]);
    expect(exitCodeOf(checks)).toBe(1);
    // Read-only: nothing was created.
    expect(await readdir(dir)).toEqual([]);
  });

  it('a held lock warns with who holds it; snapshots present pass', async () => {
    await organization();
    await writeFile(
      join(dir, 'apply.lock'),
      JSON.stringify({
        id: 'x',
        holder: 'runner 7 (run 42)',
        acquired: '2026-12-02T09:00:00.000Z',
        expires: '2026-12-02T11:00:00.000Z',
      }),
    );
    await mkdir(join(dir, 's3/acme-config-snapshots/o-a1b2c3d4e5/AWSLogs/210000000001'), { recursive: true });
    const checks = await runLocalDoctor(ORG, localDoctorProbes(dir), NOW);
    expect(checks.slice(1)).toEqual([
      { id: 'organization', title: 'org.json', status: 'pass', detail: 'o-a1b2c3d4e5, 1 accounts' },
      {
        id: 'state',
        title: 'state.json',
        status: 'pass',
        detail: 'nothing deployed yet: apply deploys to it',
      },
      {
        id: 'lock',
        title: 'apply lock',
        status: 'warn',
        detail: 'held by runner 7 (run 42) until 2026-12-02T11:00:00.000Z: an apply started now refuses',
        remedy: 'wait for that apply to end; if none runs (it was killed), apply --force-unlock',
      },
      {
        id: 'snapshots',
        title: 'snapshot files',
        status: 'pass',
        detail: `present under ${dir}/s3/acme-config-snapshots/o-a1b2c3d4e5/AWSLogs/`,
      },
    ]);
    expect(exitCodeOf(checks)).toBe(0);
    const later = await runLocalDoctor(ORG, localDoctorProbes(dir), Date.parse('2026-12-02T11:00:00Z'));
    expect(later[3]?.detail).toBe(
      'free: an expired lock of runner 7 (run 42) is left, the next apply takes it over',
    );
  });

  it('another organization, a damaged state.json and a lock that is not one fail, and nothing is rewritten', async () => {
    await organization('o-zzzzzzzzzz');
    await writeFile(join(dir, 'state.json'), '{"version": 1, "configRules": ');
    await writeFile(join(dir, 'apply.lock'), 'garbage');
    const checks = await runLocalDoctor(ORG, localDoctorProbes(dir), NOW);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['engine', 'pass'],
      ['organization', 'fail'],
      ['state', 'fail'],
      ['lock', 'fail'],
      ['snapshots', 'skip'],
    ]);
    expect(checks[1]?.detail).toBe(
      `${dir}/org.json holds organization o-zzzzzzzzzz, config/org.yaml says o-a1b2c3d4e5`,
    );
    expect(checks[2]?.detail).toMatch(/^.*state\.json.*/);
    expect(checks[2]?.remedy).toBe(
      `move ${dir}/state.json aside and run apply again (it is never overwritten while damaged)`,
    );
    expect(checks[3]).toMatchObject({
      detail: `${dir}/apply.lock is not a lock record: every apply refuses`,
      remedy: `remove ${dir}/apply.lock once no apply runs (apply --force-unlock)`,
    });
    expect((await readdir(dir)).sort()).toEqual(['apply.lock', 'org.json', 'state.json']);
  });
});
