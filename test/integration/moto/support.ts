/** What the moto test files share: one moto per file, the SDK pointed at it through the environment. */

import { loadRepository } from '../../../src/load/index.js';
import type { Repository } from '../../../src/model/config.js';
import { REPO_ROOT } from '../../helpers/repo.js';
import { type Moto, motoEnv, startMoto } from '../harness/moto.js';

/** The day desired state is computed for (the account retention window); like test/aws's e2e test. */
export const TODAY = '2026-11-28';

export interface MotoSession {
  moto: Moto;
  /** Stops moto and puts the environment back. */
  close(): Promise<void>;
}

/**
 * Starts moto and points this process's AWS SDK at it (dummy credentials, AWS_ENDPOINT_URL):
 * the aws target's default credential chain then finds only moto's dummy keys.
 */
export async function motoSession(region = 'us-east-1'): Promise<MotoSession> {
  const moto = await startMoto();
  const env = motoEnv(moto, region);
  const saved = new Map<string, string | undefined>();
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_')) saved.set(key, process.env[key]);
  }
  for (const key of saved.keys()) delete process.env[key];
  Object.assign(process.env, env);
  return {
    moto,
    async close() {
      for (const key of Object.keys(env)) delete process.env[key];
      for (const [key, value] of saved) if (value !== undefined) process.env[key] = value;
      await moto.stop();
    },
  };
}

/** This repository's config/ and sql/, loaded and valid. */
export async function repository(): Promise<Repository> {
  const { repository, diagnostics } = await loadRepository(REPO_ROOT);
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return repository;
}
