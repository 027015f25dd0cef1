/**
 * Runs a committed action bundle the way the runner does (inputs as INPUT_* variables, outputs
 * and summary in files), and serves a FakeGitHub over HTTP so the bundle's own Octokit reaches it
 * through GITHUB_API_URL.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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

export async function runBundle(
  name: string,
  inputs: Record<string, string>,
  dir: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; outputs: Record<string, string>; summary: string }> {
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
  let code = 0;
  try {
    ({ stdout } = await exec(process.execPath, [join(REPO_ROOT, 'actions', name, 'dist', 'index.js')], {
      env: childEnv,
      maxBuffer: 64 * 1024 * 1024,
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
