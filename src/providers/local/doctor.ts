/**
 * The local side of `doctor --target local`: reads, never writes, what the local target is made
 * of (the local engine in node_modules, `org.json`, `state.json`, the apply lock, the snapshot
 * tree) for src/doctor/local-checks.ts to judge.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalDoctorProbes } from '../../doctor/local-checks.js';
import { checkLocalEngine } from '../../engines/local-engine.js';
import { LOCK_FILE } from './lock.js';
import { LocalStore } from './store.js';

export function localDoctorProbes(dir: string): LocalDoctorProbes {
  const store = new LocalStore(dir);
  return {
    dir,
    engine: async () => checkLocalEngine('The local target'),
    organization: () => store.readOrganization(),
    state: () => store.load(),
    async lockText() {
      try {
        return await readFile(join(dir, LOCK_FILE), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async hasFiles(bucket: string, prefix: string) {
      try {
        return (await readdir(store.s3Path(bucket, prefix))).length > 0;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
  };
}
