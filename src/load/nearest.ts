/** Edit distance and "did you mean" suggestions for misspelled names. */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  const cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j] ?? 0;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidates closest to `name` (case-insensitive), best first, at most `limit`,
 * only those within `maxDistance` (default: a third of the name's length, at least 2).
 */
export function nearest(name: string, candidates: Iterable<string>, limit = 3, maxDistance?: number): string[] {
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
