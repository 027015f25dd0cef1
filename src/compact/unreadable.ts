/**
 * Snapshot files the compaction could not read (docs/compaction.md, "Unreadable snapshot files"):
 * truncated or corrupt gzip, an empty object, JSON that does not parse or is not a Config
 * snapshot, an item whose fields have the wrong type. Such a file is named (its s3:// key and
 * where in it), gives no evaluation, and is recorded in the files table without counts, so that
 * its account and region count as not delivered that day; an earlier file of the same day is read
 * in its place when there is one. Pure: no I/O.
 */

/** What a snapshot file is, said after every reason: what would have been readable. */
export const SNAPSHOT_SHAPE =
  'a Config snapshot file is gzipped JSON, an object with a configurationItems array';

/** A file's bytes or JSON were not a snapshot; `reason` says why and where (a JSON path, a position). */
export class UnreadableSnapshotError extends Error {
  constructor(
    readonly uri: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Could not read the snapshot file ${uri}: ${reason}`, options);
    this.name = 'UnreadableSnapshotError';
  }
}

/** One file that could not be read, as a run reports it. */
export interface UnreadableFile {
  /** `YYYY-MM-DD`. */
  day: string;
  account: string;
  region: string;
  /** `s3://<bucket>/<key>`. */
  uri: string;
  reason: string;
  /** The earlier file of the same day read in its place, when one was readable. */
  readInstead?: string;
}

/**
 * The reason of a zlib error for people: what zlib says, and what it means for a snapshot file
 * (a `.json.gz` key whose object is not gzip, cut short, or damaged).
 */
export function gzipReason(error: unknown, bytes: number): string {
  if (bytes === 0) return 'the object is empty (0 bytes)';
  const message = error instanceof Error ? error.message : String(error);
  if (/incorrect header check/.test(message))
    return `not gzip (${message}): the bytes do not start as gzip does`;
  if (/unexpected end of file/.test(message)) return `gzip cut short (${message}): the file is truncated`;
  if (/incorrect data check|invalid/.test(message)) return `corrupt gzip (${message})`;
  return `gzip: ${message}`;
}

/** The warning a run gives for an unreadable file: the file, why, and what its account and region count as. */
export function unreadableWarning(f: UnreadableFile): string {
  const counted = f.readInstead
    ? `the earlier file ${f.readInstead} of that day was read in its place`
    : `account ${f.account} in ${f.region} counts as not delivered on ${f.day} (its figures stay those of its newest readable day)`;
  return `the snapshot file ${f.uri} could not be read: ${f.reason} (${SNAPSHOT_SHAPE}); ${counted}`;
}
