/** Values of a view's rows as the report reads them: counts and scores. Pure. */

type Row = Record<string, unknown>;

/** A count column: 0 when null or empty, an error naming `what` when not a number. */
export function countIn(v: unknown, what: string): number {
  if (v === null || v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`expected a number in the ${what} data, got ${JSON.stringify(v)}`);
  return n;
}

/** compliant, non_compliant and excluded of a summary row, with the score they make. */
export function scoredCounts(
  r: Row,
  what: string,
): { compliant: number; nonCompliant: number; excluded: number; score: number | null } {
  const compliant = countIn(r.compliant, what);
  const nonCompliant = countIn(r.non_compliant, what);
  return {
    compliant,
    nonCompliant,
    excluded: countIn(r.excluded, what),
    score: compliant + nonCompliant === 0 ? null : compliant / (compliant + nonCompliant),
  };
}
