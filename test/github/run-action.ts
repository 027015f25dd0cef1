/**
 * Runs a committed action bundle the way the runner does (inputs as INPUT_* variables, outputs
 * and summary in files), and serves a FakeGitHub over HTTP so the bundle's own Octokit reaches it
 * through GITHUB_API_URL. With `copy`, the action directory (action.yml + dist/) is first copied
 * alone into an empty temporary directory with no node_modules above it, as a runner has it after
 * actions/checkout; without, it runs in this checkout (the local target needs node_modules).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/repo.js';
import type { FakeGitHub } from './fake-github.js';

const exec = promisify(execFile);

export function parseOutputs(text: string): Record<string, string> {
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

let counter = 0;

/** Copies actions/<name> into a fresh directory of its own; refuses when node_modules is above it. */
export async function copyAction(name: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), `action-${name}-`)), name);
  await cp(join(REPO_ROOT, 'actions', name), dir, { recursive: true });
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'node_modules')))
      throw new Error(`${d} has node_modules: the copy proves nothing`);
  }
  return dir;
}

export interface BundleRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export async function runBundle(
  name: string,
  inputs: Record<string, string>,
  dir: string,
  env: Record<string, string> = {},
  options: { copy?: boolean } = {},
): Promise<BundleRun> {
  const id = `${name}-${process.pid}-${counter++}`;
  const outputFile = join(dir, `${id}.out`);
  const summaryFile = join(dir, `${id}.md`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...env,
  };
  for (const [k, v] of Object.entries(inputs)) childEnv[`INPUT_${k.toUpperCase()}`] = v;
  let stdout = '';
  let stderr = '';
  let code = 0;
  const actionDir = options.copy ? await copyAction(name) : join(REPO_ROOT, 'actions', name);
  try {
    ({ stdout, stderr } = await exec(process.execPath, ['dist/index.js'], {
      cwd: actionDir,
      env: childEnv,
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    stdout = err.stdout;
    stderr = err.stderr;
    code = err.code;
  }
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

/** Serves `gh` on 127.0.0.1; its URL goes in GITHUB_API_URL. */
export async function serveFakeGitHub(gh: FakeGitHub): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const { port } = server.address() as AddressInfo;
    // A client that gives up (a timeout) ends a request the fake never answers.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    let answer: Response;
    try {
      answer = await gh.fetch(`http://127.0.0.1:${port}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        signal: gone.signal,
        ...(body ? { body } : {}),
      });
    } catch {
      res.destroy();
      return;
    }
    res.writeHead(answer.status, Object.fromEntries(answer.headers.entries()));
    res.end(await answer.text());
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
