import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** A scratch copy of this repository's config/ and sql/, plus an empty local-target directory. */
export async function scratchRepo(): Promise<{ root: string; localDir: string }> {
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-test-'));
  const root = join(base, 'repo');
  await cp(join(REPO_ROOT, 'config'), join(root, 'config'), { recursive: true });
  await cp(join(REPO_ROOT, 'sql'), join(root, 'sql'), { recursive: true });
  await cp(join(REPO_ROOT, 'quicksight'), join(root, 'quicksight'), { recursive: true });
  return { root, localDir: join(base, 'local') };
}

export async function editFile(path: string, edit: (text: string) => string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const next = edit(text);
  if (next === text) throw new Error(`edit of ${path} changed nothing`);
  await writeFile(path, next);
}

/** Every file under `dir`, relative path → text (to seed a git fixture with a scratch repository). */
export async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = join(entry.parentPath, entry.name);
    out[relative(dir, abs)] = await readFile(abs, 'utf8');
  }
  return out;
}
