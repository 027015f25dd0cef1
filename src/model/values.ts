/**
 * Plain values: telling an object from anything else, comparing two values by content, and
 * leaving out what is undefined (which `exactOptionalPropertyTypes` will not let through).
 */

/** Code-unit order, the same everywhere (no locale, no collation): for sorting names, keys, ids. */
export function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** A plain object: not null, not an array, not a Date (which JSON-like data can hold as a timestamp). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Equality by content: arrays in order, objects whatever their key order, a key holding
 * `undefined` the same as an absent one. `same` decides a pair first when it has an opinion
 * (QuickSight compares a timestamp and its text, for one).
 */
export function deepEqual(
  a: unknown,
  b: unknown,
  same?: (a: unknown, b: unknown) => boolean | undefined,
): boolean {
  if (a === b) return true;
  const decided = same?.(a, b);
  if (decided !== undefined) return decided;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => deepEqual(x, b[i], same))
    );
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k], same));
  }
  return false;
}

/** `o` without its undefined members, typed so that it spreads into optional properties. */
export type Present<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/**
 * The members of `o` that are not undefined: `...present({ region, endpoint })` in place of one
 * `...(region !== undefined ? { region } : {})` spread per member.
 */
export function present<T extends object>(o: T): Present<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (value !== undefined) out[key] = value;
  return out as Present<T>;
}
