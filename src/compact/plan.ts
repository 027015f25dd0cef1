/**
 * Which days a compaction run writes (docs/compaction.md): of the snapshot files the raw table's
 * projection admits, the newest `ConfigSnapshot` file of each account, region and day within the
 * window (the newest by key, as the views pick it: the timestamp in the name orders them); a day
 * is written when its picked files are not exactly the files already compacted for it — a day
 * never compacted (catch-up), or one where a newer file arrived since (late delivery). Pure.
 */

import type { PartitionFile } from '../engines/duckdb/partitions.js';
import { compareText } from '../model/values.js';

/** The file a day's rows come from, for one account and region. */
export interface PickedFile {
  /** `YYYY-MM-DD`. */
  day: string;
  account: string;
  region: string;
  key: string;
  /** `s3://<bucket>/<key>`. */
  uri: string;
}

/** A file already compacted (a row of the files table). */
export interface CompactedFileRecord {
  day: string;
  account: string;
  region: string;
  /** `s3://<bucket>/<key>`. */
  file: string;
}

/** `2026/11/3` → `2026-11-03`. */
export function isoDay(dt: string): string {
  const [y, m, d] = dt.split('/');
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The newest snapshot file of each account, region and day from `from` on, by day. */
export function newestSnapshots(
  files: readonly PartitionFile[],
  bucket: string,
  from: string,
): Map<string, PickedFile[]> {
  const newest = new Map<string, PickedFile>();
  for (const f of files) {
    if (f.itemtype !== 'ConfigSnapshot') continue;
    const day = isoDay(f.dt);
    if (day < from) continue;
    const id = `${day}|${f.account}|${f.region}`;
    const held = newest.get(id);
    if (!held || f.key > held.key) {
      newest.set(id, {
        day,
        account: f.account,
        region: f.region,
        key: f.key,
        uri: `s3://${bucket}/${f.key}`,
      });
    }
  }
  const byDay = new Map<string, PickedFile[]>();
  for (const picked of [...newest.values()].sort((a, b) => compareText(a.uri, b.uri))) {
    const day = byDay.get(picked.day);
    if (day) day.push(picked);
    else byDay.set(picked.day, [picked]);
  }
  return new Map([...byDay].sort(([a], [b]) => compareText(a, b)));
}

/** The days whose picked files differ from the ones compacted for them, oldest first. */
export function daysToCompact(
  picked: ReadonlyMap<string, readonly PickedFile[]>,
  compacted: readonly CompactedFileRecord[],
): string[] {
  const done = new Map<string, Set<string>>();
  for (const record of compacted) {
    const files = done.get(record.day) ?? new Set<string>();
    files.add(record.file);
    done.set(record.day, files);
  }
  const days: string[] = [];
  for (const [day, files] of picked) {
    const have = done.get(day);
    const same = have !== undefined && have.size === files.length && files.every((f) => have.has(f.uri));
    if (!same) days.push(day);
  }
  return days.sort();
}
