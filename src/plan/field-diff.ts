import type { FieldDiff } from '../model/plan.js';
import { deepEqual, isRecord } from '../model/values.js';

/**
 * Field-level differences between two property objects. Objects are compared key by key
 * (to any depth); arrays and scalars as whole values. A key that is absent on one side and
 * present on the other is a difference; `undefined` values count as absent.
 */
export function diffProperties(before: unknown, after: unknown, path = ''): FieldDiff[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffProperties(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (deepEqual(before, after)) return [];
  return [{ path, before, after }];
}
