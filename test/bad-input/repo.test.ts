/**
 * The bad-input corpus for the repository's own files: each case in test/bad-input/repo/*.json
 * changes a scratch copy of this repository (config/, sql/, quicksight/) and says where the
 * refusal must point and what it must say. For every case, `validate`, `plan --target local` and
 * `apply --target local --auto-approve` run in-process against one prepared local target and must
 * exit 1 with the error at the file, line and column (and field), carrying the hint, with no stack
 * trace, and with every byte of the repository and of the local target unchanged. Cases marked
 * `valid` (CRLF line ends, byte-order marks) must validate and plan no change instead.
 */
import { createHash } from 'node:crypto';
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { scratchRepo } from '../helpers/repo.js';

const TODAY = '2026-11-28';
const CASES_DIR = join(import.meta.dirname, 'repo');

/** One change to a file of the scratch repository: `find` must occur exactly once. */
interface Edit {
  file: string;
  find: string;
  replace: string;
}

/** Inputs too big, too odd or too binary to write as text in a case file, made by the runner. */
type Make =
  /** `file` made `bytes` long by repeating `line` after the file's own text. */
  | { kind: 'huge'; file: string; bytes: number; line: string }
  /** `file` replaced by `prefix`, `depth` openers, `depth` closers. */
  | { kind: 'nested'; file: string; prefix: string; open: string; close: string; depth: number }
  /** `file` replaced by a link to a file outside the repository holding the same text. */
  | { kind: 'symlink-outside'; file: string }
  /** Directory `dir` moved outside the repository, a link to it left in its place. */
  | { kind: 'symlink-dir-outside'; dir: string }
  /** Directory `dir` replaced by a file holding `text`. */
  | { kind: 'replace-dir'; dir: string; text: string }
  /** `file` replaced by a link to a path that does not exist. */
  | { kind: 'symlink-dangling'; file: string }
  /** `file` re-encoded (after the edits). */
  | { kind: 'encode'; file: string; encoding: 'latin1' | 'utf16le' }
  /** Every file named given CRLF line ends and/or a UTF-8 byte-order mark. */
  | { kind: 'line-ends'; files: string[]; crlf: boolean; bom: boolean };

/**
 * Where the error must be: `at` is text whose single occurrence in the file starts there (the file
 * read as `decode`, default UTF-8), else `line` and `column` (default 1:1). `{outside}` in the
 * hint stands for the directory outside the repository that links point to.
 */
interface Refusal {
  file: string;
  at?: string;
  decode?: 'latin1';
  line?: number;
  column?: number;
  field?: string;
  hint: string;
}

interface Case {
  what: string;
  args?: string[];
  /** Files copied within the repository before the edits (`to` may then be edited); then `remove`, then `write`. */
  copy?: { from: string; to: string }[];
  edit?: Edit[];
  write?: Record<string, string>;
  remove?: string[];
  make?: Make[];
  refused?: Refusal[];
  valid?: boolean;
}

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

/** Every file and link under `dir`: relative path → hash of its bytes (or `link:` its target). */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const abs = join(entry.parentPath, entry.name);
    const rel = abs.slice(dir.length + 1);
    if (entry.isSymbolicLink()) out[rel] = `link:${await readlink(abs)}`;
    else if (entry.isFile())
      out[rel] = createHash('sha256')
        .update(await readFile(abs))
        .digest('hex');
    else if (entry.isDirectory()) out[`${rel}/`] = 'dir';
  }
  return out;
}

const cases: [string, Case][] = await Promise.all(
  (await readdir(CASES_DIR))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map(async (f) => [f.slice(0, -'.json'.length), JSON.parse(await readFile(join(CASES_DIR, f), 'utf8'))]),
);

/** Applies a case's changes to the scratch repository at `root`; `outside` is a directory beside it. */
async function build(root: string, outside: string, c: Case): Promise<void> {
  for (const { from, to } of c.copy ?? []) await writeFile(join(root, to), await readFile(join(root, from)));
  for (const e of c.edit ?? []) {
    const path = join(root, e.file);
    const text = await readFile(path, 'utf8');
    const count = text.split(e.find).length - 1;
    if (count !== 1) throw new Error(`case edit: '${e.find}' occurs ${count} times in ${e.file}, not once`);
    await writeFile(
      path,
      text.replace(e.find, () => e.replace),
    );
  }
  for (const file of c.remove ?? []) await rm(join(root, file));
  for (const [file, text] of Object.entries(c.write ?? {})) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  for (const m of c.make ?? []) await make(root, outside, m);
}

async function make(root: string, outside: string, m: Make): Promise<void> {
  switch (m.kind) {
    case 'huge': {
      const head = await readFile(join(root, m.file));
      const line = Buffer.from(m.line);
      const body = Buffer.alloc(m.bytes - head.length);
      for (let i = 0; i < body.length; i += line.length) line.copy(body, i);
      await writeFile(join(root, m.file), Buffer.concat([head, body]));
      return;
    }
    case 'nested':
      await writeFile(join(root, m.file), m.prefix + m.open.repeat(m.depth) + m.close.repeat(m.depth));
      return;
    case 'symlink-outside': {
      const target = join(outside, m.file.replaceAll('/', '_'));
      await writeFile(target, await readFile(join(root, m.file)));
      await rm(join(root, m.file));
      await symlink(target, join(root, m.file));
      return;
    }
    case 'symlink-dir-outside': {
      const target = join(outside, m.dir.replaceAll('/', '_'));
      await cp(join(root, m.dir), target, { recursive: true });
      await rm(join(root, m.dir), { recursive: true });
      await symlink(target, join(root, m.dir));
      return;
    }
    case 'replace-dir':
      await rm(join(root, m.dir), { recursive: true });
      await writeFile(join(root, m.dir), m.text);
      return;
    case 'symlink-dangling':
      await rm(join(root, m.file));
      await symlink(join(outside, 'does-not-exist'), join(root, m.file));
      return;
    case 'encode': {
      const text = await readFile(join(root, m.file), 'utf8');
      const bytes =
        m.encoding === 'utf16le'
          ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
          : Buffer.from(text, 'latin1');
      await writeFile(join(root, m.file), bytes);
      return;
    }
    case 'line-ends':
      for (const file of await filesNamed(root, m.files)) {
        let text = await readFile(join(root, file), 'utf8');
        if (m.crlf) text = text.replaceAll('\n', '\r\n');
        await writeFile(join(root, file), `${m.bom ? '\uFEFF' : ''}${text}`);
      }
      return;
  }
}

/** The files named, a name ending in '/' standing for every file under that directory. */
async function filesNamed(root: string, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    if (!name.endsWith('/')) out.push(name);
    else
      for (const entry of await readdir(join(root, name), { recursive: true, withFileTypes: true }))
        if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(root.length + 1));
  }
  return out;
}

/** Line and column (1-based) of the one occurrence of `at` in `file`, as the loader counts them. */
async function positionOf(
  root: string,
  r: Refusal & { at: string },
): Promise<{ line: number; column: number }> {
  const { file, at } = r;
  const text = (await readFile(join(root, file), r.decode ?? 'utf8')).replace(/^\uFEFF/, '');
  const offset = text.indexOf(at);
  if (offset < 0 || text.indexOf(at, offset + 1) >= 0)
    throw new Error(`case refusal: '${at}' must occur exactly once in ${file}`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** The first line of a diagnostic as the CLI prints it: `file:line:col: error: field: `. */
async function expectedPrefix(root: string, r: Refusal): Promise<string> {
  const { line, column } =
    r.at !== undefined
      ? await positionOf(root, { ...r, at: r.at })
      : { line: r.line ?? 1, column: r.column ?? 1 };
  return `${r.file}:${line}:${column}: error: ${r.field ? `${r.field}: ` : ''}`;
}

function noCrash(io: { stdout: string[]; stderr: string[] }): void {
  const all = [...io.stdout, ...io.stderr].join('\n');
  expect(all).not.toMatch(/\n\s+at /);
  expect(all).not.toMatch(/^Error: /m);
}

describe('bad repository inputs are refused before anything is written', () => {
  let base: string;
  let localDir: string;
  let localBefore: Record<string, string>;
  const run = (args: string[], io = capture()) => runCli(['node', 'org-compliance', ...args], io);

  beforeAll(async () => {
    const scratch = await scratchRepo();
    base = dirname(scratch.root);
    localDir = scratch.localDir;
    await mkdir(localDir, { recursive: true });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    // The shipped repository applied once: every case is planned against a deployed target.
    const io = capture();
    const code = await run(
      ['apply', '--auto-approve', '--root', scratch.root, '--local-dir', localDir, '--today', TODAY],
      io,
    );
    expect(code, io.stderr.join('\n')).toBe(0);
    localBefore = await fingerprint(localDir);
  }, 120_000);

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('the corpus holds at least 45 cases, each refused or marked valid, no two saying the same', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    for (const [name, c] of cases) expect(Boolean(c.valid) !== Boolean(c.refused?.length), name).toBe(true);
    expect(new Set(cases.map(([, c]) => c.what)).size).toBe(cases.length);
  });

  it.each(cases)('%s', async (name, c) => {
    const { root } = await scratchRepo();
    const outside = await mkdtemp(join(tmpdir(), `org-compliance-outside-${name}-`));
    try {
      await build(root, outside, c);
      const outsideReal = await realpath(outside);
      const common = ['--root', root, '--local-dir', localDir, '--today', TODAY, ...(c.args ?? [])];
      const repoBefore = await fingerprint(root);
      const prefixes = await Promise.all((c.refused ?? []).map((r) => expectedPrefix(root, r)));
      for (const command of [['validate'], ['plan'], ['apply', '--auto-approve']]) {
        const io = capture();
        const started = performance.now();
        const code = await run([...command, ...common], io);
        const seconds = (performance.now() - started) / 1000;
        noCrash(io);
        const said = `${command[0]}: ${[...io.stderr, ...io.stdout].join('\n')}`;
        if (c.valid) {
          expect(code, said).toBe(0);
          if (command[0] === 'validate')
            expect(io.stdout.at(-1), said).toMatch(/^Valid: \d+ accounts, \d+ rules/);
          else expect(io.stdout.at(-1), said).toMatch(/^No changes\. \d+ resource\(s\) up to date\.$/);
        } else {
          expect(code, said).toBe(1);
          (c.refused ?? []).forEach((r, i) => {
            const prefix = prefixes[i] as string;
            const line = io.stderr.find((l) => l.startsWith(prefix));
            expect(line, `${said}\nexpected a line starting ${prefix}`).toBeDefined();
            expect(line, said).toContain(r.hint.replaceAll('{outside}', outsideReal));
          });
          // A refusal is a load error: quick, whatever the input.
          expect(seconds, said).toBeLessThan(20);
        }
      }
      expect(await fingerprint(root)).toEqual(repoBefore);
      expect(await fingerprint(localDir)).toEqual(localBefore);
    } finally {
      await rm(dirname(root), { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
