/**
 * What a run shows the world, captured for the leak scan: an action run in this process as the
 * runner runs it (inputs as INPUT_* variables, its stdout and stderr, its outputs file, the job
 * summary), and the forms a planted secret could leak in (as is, URL-encoded, base64, JSON-escaped,
 * parts of it), with a scan that names where each was found.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Captured {
  /** Where the text was shown: `plan action stdout`, `report --out report.html`, `PR comment #1`. */
  channel: string;
  text: string;
}

/** The runner's masking command: `::add-mask::<value>` is read by the runner, never shown. */
const ADD_MASK = /^::add-mask::(.*)$/;

/** Values an action asked the runner to mask. */
export function maskedValues(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => ADD_MASK.exec(line)?.[1])
    .filter((v): v is string => v !== undefined);
}

/** The log as the runner shows it: without its masking commands. */
export function shownLog(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !ADD_MASK.test(line))
    .join('\n');
}

export interface ActionRun {
  stdout: string;
  stderr: string;
  outputs: string;
  exitCode: number;
}

/**
 * Runs an action's `run()` in this process with `inputs` and `env` (restored after), capturing
 * what it writes to stdout and stderr and to its outputs file. The job summary goes to
 * `summaryFile` (the toolkit keeps the first path it is given for the life of the process).
 */
export async function runActionHere(
  run: () => Promise<void>,
  inputs: Record<string, string>,
  env: Record<string, string>,
  dir: string,
  name: string,
): Promise<ActionRun> {
  const outputsFile = join(dir, `${name}.outputs`);
  await writeFile(outputsFile, '');
  const saved = { ...process.env };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  process.env.GITHUB_OUTPUT = outputsFile;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  const exitBefore = process.exitCode;
  let exitCode = 0;
  try {
    await run();
    exitCode = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = exitBefore;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  return {
    stdout: stdout.join(''),
    stderr: stderr.join(''),
    outputs: await readFile(outputsFile, 'utf8'),
    exitCode,
  };
}

/** The forms a secret can leak in: itself, URL-encoded, base64, JSON-escaped, and the given parts. */
export function leakForms(secret: string, parts: readonly string[] = []): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    JSON.stringify(secret).slice(1, -1),
    ...parts,
  ];
  return [...new Set(forms.filter((f) => f.length >= 8))];
}

export interface Leak {
  secret: string;
  form: string;
  channel: string;
  /** Up to 60 characters around it, the secret itself replaced by <…>. */
  context: string;
}

/** Every form of every secret found in any captured text, case-insensitively. */
export function findLeaks(captured: readonly Captured[], secrets: Record<string, string[]>): Leak[] {
  const leaks: Leak[] = [];
  for (const { channel, text } of captured) {
    const haystack = text.toLowerCase();
    for (const [secret, forms] of Object.entries(secrets)) {
      for (const form of forms) {
        const at = haystack.indexOf(form.toLowerCase());
        if (at < 0) continue;
        const context = `${text.slice(Math.max(0, at - 30), at)}<${secret}>${text.slice(at + form.length, at + form.length + 30)}`;
        leaks.push({ secret, form: form === forms[0] ? 'as is' : form.slice(0, 12), channel, context });
      }
    }
  }
  return leaks;
}
