import * as z from 'zod';
import { didYouMean } from '../model/nearest.js';
import type { YamlFile } from './yaml-file.js';

const VALID_KEYS = 'Valid keys: ';

/**
 * A mapping that refuses keys it does not know, naming the nearest known key.
 * Zod reports the unknown keys on the mapping, its message listing the valid keys;
 * `reportSchemaIssues` pins each unknown key to its position and names the nearest valid key.
 */
export function strictMap<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `${VALID_KEYS}${known.join(', ')}`;
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
      const valid = issue.message.startsWith(VALID_KEYS)
        ? issue.message.slice(VALID_KEYS.length).split(', ')
        : [];
      for (const key of issue.keys) {
        file.error(path, `unknown key '${key}'${didYouMean(key, valid) || '.'} ${issue.message}`, { key });
      }
      continue;
    }
    if (issue.code === 'invalid_type') {
      const actual = valueAt(data, path);
      const expected =
        issue.expected === 'object' || issue.expected === 'record'
          ? 'a mapping'
          : issue.expected === 'array'
            ? 'a list'
            : issue.expected === 'boolean'
              ? 'true or false'
              : `a ${issue.expected}`;
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
