/**
 * moto (https://github.com/getmoto/moto), an AWS emulator written by other people, as a local
 * server for the integration suite: installed once into a venv under the cache, started on a
 * free loopback port, stopped by the caller (and, failing that, when this process ends).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { cacheDir } from './cache.js';
import { freePort } from './ports.js';
import { spawnServer, tailLog, waitFor } from './process.js';

/** The moto release the suite is proven with; pip resolves its dependencies for the `server` extra. */
export const MOTO_VERSION = '5.2.5';
const STARTUP_TIMEOUT_MS = 60_000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;

export interface Moto {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

function progress(line: string): void {
  process.stderr.write(`[moto] ${line}\n`);
}

function run(cmd: string, args: string[], log: string, timeoutMs: number): Promise<void> {
  return new Promise((resolveRun, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      void appendFile(log, `$ ${cmd} ${args.join(' ')}\n${stdout}${stderr}\n`).then(() => {
        if (!err) return resolveRun();
        reject(
          new Error(
            `${cmd} ${args.join(' ')} failed: ${err.message}\nlast lines of ${log}:\n${tailLog(log, 20)}`,
          ),
        );
      }, reject);
    });
  });
}

/**
 * The venv's python with moto[server] installed; installs it when missing. The venv is built
 * beside its final place and renamed into it with a marker inside, so a half-finished install
 * (interrupted, or two runs at once) is never mistaken for a complete one.
 */
async function ensureMoto(): Promise<string> {
  const home = cacheDir(`moto-${MOTO_VERSION}`);
  const venv = join(home, 'venv');
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.installed')) && existsSync(python)) return python;

  const base = process.env.ORG_COMPLIANCE_PYTHON ?? 'python3';
  const log = join(home, 'install.log');
  const partial = join(home, `venv.partial-${process.pid}-${Date.now()}`);
  const started = Date.now();
  progress(`installing moto[server]==${MOTO_VERSION} into ${venv} (log: ${log})`);
  try {
    await run(base, ['-m', 'venv', partial], log, 120_000).catch((err: unknown) => {
      throw new Error(
        `moto needs Python 3.9+ with the venv module (set ORG_COMPLIANCE_PYTHON to choose the interpreter): ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
    });
    await run(
      join(partial, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `moto[server]==${MOTO_VERSION}`],
      log,
      INSTALL_TIMEOUT_MS,
    );
    await writeFile(join(partial, '.installed'), `moto[server]==${MOTO_VERSION}\n`);
    if (existsSync(venv)) await rm(venv, { recursive: true, force: true });
    try {
      await rename(partial, venv);
    } catch (err) {
      // Another run finished first: use its venv.
      if (!existsSync(join(venv, '.installed'))) throw err;
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  progress(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return python;
}

/** This process's environment without anything that could carry real AWS credentials or settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return env;
}

/** Installs moto[server] (pinned version) into a venv under cacheDir('moto-<version>') when missing (python3 -m venv, pip install), starts `moto_server -H 127.0.0.1 -p <free port>`, waits until it answers (bounded, ~60 s), returns. */
export async function startMoto(): Promise<Moto> {
  const python = await ensureMoto();
  const logs = join(tmpdir(), 'org-compliance-integration');
  await mkdir(logs, { recursive: true });
  let lastError: unknown;
  // The free port can be taken between freePort() and the bind: try a few.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const log = join(logs, `moto-${port}-${Date.now()}.log`);
    progress(`starting moto ${MOTO_VERSION} on 127.0.0.1:${port} (log: ${log})`);
    const started = Date.now();
    // `python -m moto.server` is the `moto_server` entry point, independent of the venv's path.
    const server = spawnServer(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      env: { ...cleanEnv(), PYTHONUNBUFFERED: '1' },
      log,
    });
    let exitCode: number | null | undefined;
    void server.exited.then((code) => {
      exitCode = code;
    });
    try {
      await waitFor(
        `moto to answer on ${endpoint}`,
        async () => {
          if (exitCode !== undefined) throw new Error(`moto exited (code ${exitCode})`);
          const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5_000) });
          return res.ok;
        },
        { timeoutMs: STARTUP_TIMEOUT_MS, intervalMs: 200, log },
      );
    } catch (err) {
      await server.kill();
      lastError = err;
      if (exitCode !== undefined && /address already in use/i.test(tailLog(log, 50))) continue;
      throw err;
    }
    progress(`ready on port ${port} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      endpoint,
      port,
      async stop(): Promise<void> {
        await server.kill();
        progress(`stopped (port ${port})`);
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Env for SDK clients and child processes: dummy credentials (AWS_ACCESS_KEY_ID=testing etc.), AWS_REGION, AWS_ENDPOINT_URL=endpoint; never real credentials. */
export function motoEnv(moto: Moto, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** Dummy static credentials for SDK clients built in-process. */
export const MOTO_CREDENTIALS = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
  sessionToken: 'testing',
} as const;

/** An S3 client for moto: path-style addressing, dummy credentials. */
export function motoS3Client(moto: Moto, region = 'us-east-1'): S3Client {
  return new S3Client({
    endpoint: moto.endpoint,
    region,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
}

/** Forgets every resource in moto (its `/moto-api/reset`), for tests that share one server. */
export async function resetMoto(moto: Moto): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Uploads every file under `dir` to `bucket`, the key being the path relative to `dir` with `/`
 * separators (so `writeSnapshots`' `${s3Dir}/${bucket}` uploads with the keys Config would use).
 * The bucket must exist. Returns the keys, sorted.
 */
export async function uploadTree(
  s3: S3Client,
  bucket: string,
  dir: string,
  concurrency = 16,
): Promise<string[]> {
  const files = await listFiles(dir);
  const keys = files.map((f) => relative(dir, f).split(sep).join('/'));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i] as string;
      const key = keys[i] as string;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(file) }));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  return keys.sort();
}
