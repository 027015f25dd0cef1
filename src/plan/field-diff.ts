import type { FieldDiff } from '../model/plan.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Field-level differences between two property objects. Objects are compared key by key
 * (to any depth); arrays and scalars as whole values. A key that is absent on one side and
 * present on the other is a difference; `undefined` values count as absent.
 */
export function diffProperties(before: unknown, after: unknown, path = ''): FieldDiff[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffProperties(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (deepEqual(before, after)) return [];
  return [{ path, before, after }];
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
