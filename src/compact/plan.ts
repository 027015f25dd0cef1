/**
 * Which days a compaction run writes (docs/compaction.md): of the snapshot files the raw table's
 * projection admits, the newest `ConfigSnapshot` file of each account, region and day within the
 * window (the newest by key, as the views pick it: the timestamp in the name orders them); a day
 * is written when its picked files are not exactly the files already compacted for it — a day
 * never compacted (catch-up), or one where a newer file arrived since (late delivery). The day's
 * earlier files of the same account and region are kept beside the newest, newest first: when the
 * newest cannot be read, the compaction reads the next one in its place (docs/compaction.md). Pure.
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
  /** The same account, region and day's older files, newest first: read in its place when it is unreadable. */
  earlier: PickedFile[];
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
  const all = new Map<string, PickedFile[]>();
  for (const f of files) {
    if (f.itemtype !== 'ConfigSnapshot') continue;
    const day = isoDay(f.dt);
    if (day < from) continue;
    const id = `${day}|${f.account}|${f.region}`;
    const file = {
      day,
      account: f.account,
      region: f.region,
      key: f.key,
      uri: `s3://${bucket}/${f.key}`,
      earlier: [],
    };
    const held = all.get(id);
    if (held) held.push(file);
    else all.set(id, [file]);
  }
  const newest: PickedFile[] = [];
  for (const candidates of all.values()) {
    // Newest first: the timestamp in the name orders the keys of one account, region and day.
    candidates.sort((a, b) => compareText(b.key, a.key));
    const [first, ...rest] = candidates as [PickedFile, ...PickedFile[]];
    newest.push({ ...first, earlier: rest });
  }
  const byDay = new Map<string, PickedFile[]>();
  for (const picked of newest.sort((a, b) => compareText(a.uri, b.uri))) {
    const day = byDay.get(picked.day);
    if (day) day.push(picked);
    else byDay.set(picked.day, [picked]);
  }
  return new Map([...byDay].sort(([a], [b]) => compareText(a, b)));
}

/**
 * The days whose picked files differ from the ones compacted for them, oldest first. Of the files
 * recorded for an account, region and day, the newest is the one that was picked (an earlier one
 * is recorded beside it only when it was read in place of an unreadable newest).
 */
export function daysToCompact(
  picked: ReadonlyMap<string, readonly PickedFile[]>,
  compacted: readonly CompactedFileRecord[],
): string[] {
  const newest = new Map<string, CompactedFileRecord>();
  for (const record of compacted) {
    const id = `${record.day}|${record.account}|${record.region}`;
    const held = newest.get(id);
    if (!held || record.file > held.file) newest.set(id, record);
  }
  const done = new Map<string, Set<string>>();
  for (const record of newest.values()) {
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
