/** Edit distance and "did you mean" suggestions for misspelled names. */

/** Edit distance counting an insertion, deletion, substitution or swap of neighbours as one edit. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // rows[i][j]: distance between the first i characters of a and the first j of b.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const d = (i: number, j: number): number => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return d(a.length, b.length);
}

/**
 * The candidates closest to `name` (case-insensitive), best first, at most `limit`,
 * only those within `maxDistance` (default: a third of the name's length, at least 2).
 */
export function nearest(
  name: string,
  candidates: Iterable<string>,
  limit = 3,
  maxDistance?: number,
): string[] {
  const needle = name.toLowerCase();
  const bound = maxDistance ?? Math.max(2, Math.floor(name.length / 3));
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = editDistance(needle, c.toLowerCase());
    if (d <= bound) scored.push([d, c]);
  }
  scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
  return scored.slice(0, limit).map(([, c]) => c);
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = nearest(name, candidates, 1);
  return best.length ? `; did you mean '${best[0]}'?` : '';
}
