/**
 * The entries of a YAML list (rules, exceptions), each checked on its own: one that does not fit
 * its schema is reported at its own positions and left out, and the others are still checked.
 */
import * as z from 'zod';
import { checkAccountId } from './accounts.js';
import { reportSchemaIssues } from './schema.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

/** Where an entry is: the list's key and the entry's index, such as `['rules', 3]`. */
export type EntryPath = readonly [string, number];

function errorCount(file: YamlFile): number {
  return file.diagnostics.filter((d) => d.severity === 'error').length;
}

/**
 * Parses each entry of `list` (the value of `key` in the document `data`) with `schema`, then
 * hands it to `check`, which reports what else is wrong and returns what the entry describes.
 * An entry is kept only when `check` returns something and reported no error.
 */
export function parseEntries<S extends z.ZodType, T>(
  file: YamlFile,
  data: unknown,
  key: string,
  list: readonly unknown[],
  schema: S,
  check: (entry: z.output<S>, path: EntryPath, index: number) => T | undefined,
): T[] {
  const out: T[] = [];
  list.forEach((raw, i) => {
    const path = [key, i] as const;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      reportSchemaIssues(
        file,
        new z.ZodError(parsed.error.issues.map((iss) => ({ ...iss, path: [...path, ...iss.path] }))),
        data,
      );
      return;
    }
    const errorsBefore = errorCount(file);
    const value = check(parsed.data, path, i);
    if (value === undefined || errorCount(file) > errorsBefore) return;
    out.push(value);
  });
  return out;
}

/**
 * A list of account ids inside an entry (`excludedAccounts`, `accounts`): each a quoted 12-digit
 * id, listed once, and in config/accounts.yaml when that is known. Returns the valid ones.
 */
export function accountList(
  file: YamlFile,
  path: YamlPath,
  values: readonly unknown[],
  known: ReadonlySet<string> | undefined,
): string[] {
  const ids: string[] = [];
  const firstAt = new Map<string, number>();
  values.forEach((id, j) => {
    const p = [...path, j];
    if (!checkAccountId(file, p, id)) return;
    const first = firstAt.get(id);
    if (first !== undefined) {
      file.error(p, `account ${id} is listed twice (first at line ${file.lineAt([...path, first])})`);
      return;
    }
    firstAt.set(id, j);
    if (known && !known.has(id)) {
      file.error(
        p,
        `account ${id} is not in config/accounts.yaml; run 'org-compliance discover --write' or fix the id`,
      );
      return;
    }
    ids.push(id);
  });
  return ids;
}
