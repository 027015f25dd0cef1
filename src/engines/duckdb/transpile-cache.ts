/**
 * Athena SQL translated for DuckDB, remembered in a file of the local target: the translation
 * (src/engines/duckdb/transpile.ts, the @polyglot-sql/sdk transpiler) is the same for the same
 * text, and loading the transpiler costs each process about half a second and 120 MB (a
 * WebAssembly module), while the views and the report's queries are the same texts from one run
 * to the next. An entry is keyed by the SQL and by the translation itself (the source of
 * transpile.js and the transpiler's version), so a new release never reads an old translation.
 * The transpiler is loaded only for a text not seen before.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entries kept at most (the oldest go first): views and queries, a few dozen in practice. */
const MAX_ENTRIES = 1000;

interface CacheFile {
  /** What the entries were translated with (see translationId). */
  translation: string;
  entries: Record<string, string>;
}

let translationIdMemo: string | null | undefined;

/**
 * The source of transpile.js and the transpiler's version: what a translation depends on. Null
 * where transpile.js is not a file of its own (inside an action bundle): no file cache there.
 */
function translationId(): string | null {
  if (translationIdMemo !== undefined) return translationIdMemo;
  const hash = createHash('sha256');
  // transpile.js beside this file (transpile.ts where the sources run untranspiled: the tests).
  const source = ['./transpile.js', './transpile.ts']
    .map((name) => {
      try {
        return readFileSync(fileURLToPath(new URL(name, import.meta.url)));
      } catch {
        return undefined;
      }
    })
    .find((text) => text !== undefined);
  if (source === undefined) {
    translationIdMemo = null;
    return null;
  }
  hash.update(source);
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@polyglot-sql/sdk');
    let dir = dirname(main);
    // The package's own package.json, up from its entry point.
    for (let i = 0; i < 5; i++) {
      try {
        const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === '@polyglot-sql/sdk') {
          hash.update(`\0${pkg.version}`);
          break;
        }
      } catch {
        // not this directory
      }
      dir = dirname(dir);
    }
  } catch {
    // Not installed: every lookup misses and the translation fails as it would without a cache.
  }
  translationIdMemo = hash.digest('hex');
  return translationIdMemo;
}

export class TranspileCache {
  private constructor(
    private readonly file: string | undefined,
    private readonly translation: string | null,
    private readonly entries: Map<string, string>,
  ) {}

  /** The cache kept in `file` (none: in memory only, for this process). A damaged file starts it afresh. */
  static async open(file?: string): Promise<TranspileCache> {
    const translation = translationId();
    const entries = new Map<string, string>();
    if (translation === null) return new TranspileCache(undefined, null, entries);
    if (file !== undefined) {
      try {
        const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile>;
        if (stored.translation === translation && stored.entries && typeof stored.entries === 'object') {
          for (const [k, v] of Object.entries(stored.entries)) if (typeof v === 'string') entries.set(k, v);
        }
      } catch {
        // Missing or unreadable: it is only a cache.
      }
    }
    return new TranspileCache(file, translation, entries);
  }

  /** `sql` (Athena/Trino) as DuckDB SQL; throws as trinoToDuckDb does. */
  async toDuckDb(sql: string): Promise<string> {
    const key = createHash('sha256').update(sql).digest('hex');
    const known = this.entries.get(key);
    if (known !== undefined) return known;
    const { trinoToDuckDb } = await import('./transpile.js');
    const translated = trinoToDuckDb(sql);
    this.entries.set(key, translated);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    await this.save();
    return translated;
  }

  private async save(): Promise<void> {
    if (this.file === undefined || this.translation === null) return;
    const body: CacheFile = { translation: this.translation, entries: Object.fromEntries(this.entries) };
    const partial = `${this.file}.${process.pid}.partial`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(partial, JSON.stringify(body));
      await rename(partial, this.file);
    } catch {
      // A cache that cannot be written is only slower next time.
    }
  }
}
