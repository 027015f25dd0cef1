/** Calendar dates as `YYYY-MM-DD` strings, always UTC. */

export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function toIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** `2021-09-01` → `2021/9/1`, the format of Config's S3 keys and of the dt projection. */
export function toProjectionDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${y}/${Number(m)}/${Number(d)}`;
}

/** `YYYY-MM-DD` plus `n` days (negative: before), in UTC. */
export function addDays(isoDate: string, n: number): string {
  return toIsoDate(new Date(Date.parse(`${isoDate}T00:00:00Z`) + n * 86_400_000));
}
