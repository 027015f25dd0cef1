/**
 * How bad a failing rule is: the severity AWS Security Hub gives the controls a managed rule backs
 * (the highest of them), or the catalog's own, or `unrated` when neither says.
 */

/** Every severity, most severe first: the order reports sort by. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational', 'unrated'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The severities a rule can be given (Security Hub's, or a catalog override). */
export type RatedSeverity = Exclude<Severity, 'unrated'>;
export const RATED_SEVERITIES: readonly RatedSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'informational',
];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** 0 for critical up to 5 for unrated (an unknown value sorts last). */
export function severityRank(severity: string): number {
  const at = (SEVERITIES as readonly string[]).indexOf(severity);
  return at < 0 ? SEVERITIES.length : at;
}

/** The most severe of several; `unrated` when there are none. */
export function highestSeverity(severities: Iterable<Severity>): Severity {
  let best: Severity = 'unrated';
  for (const s of severities) if (severityRank(s) < severityRank(best)) best = s;
  return best;
}

/** Whether `severity` is `min` or more severe (`unrated` is below `informational`). */
export function atLeast(severity: string, min: Severity): boolean {
  return severityRank(severity) <= severityRank(min);
}
