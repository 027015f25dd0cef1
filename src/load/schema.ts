import { z } from 'zod';
import { didYouMean } from './nearest.js';
import type { YamlFile } from './yaml-file.js';

/**
 * A mapping that refuses keys it does not know, naming the nearest known key.
 * Zod reports the unknown keys on the mapping; `reportSchemaIssues` pins each to its key.
 */
export function strictMap<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown key${didYouMean(String(issue.keys[0]), known)} Valid keys: ${known.join(', ')}`;
      }
      return undefined;
    },
  });
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string '${value}'`;
  return `${typeof value} ${String(value)}`;
}

/** Turns schema issues into diagnostics at the right line and column. */
export function reportSchemaIssues(file: YamlFile, error: z.ZodError, data: unknown): void {
  for (const issue of error.issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const msg = issue.message.replace(/^unknown key/, `unknown key '${key}'`);
        file.error(path, msg, { key });
      }
      continue;
    }
    if (issue.code === 'invalid_type') {
      const actual = valueAt(data, path);
      const expected = issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
      const message =
        actual === undefined
          ? `required field is missing (expected ${expected})`
          : `expected ${expected}, got ${describeType(actual)}`;
      // For a missing field, nodeAt falls back to the enclosing mapping.
      file.error(path, message);
      continue;
    }
    file.error(path, issue.message);
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
