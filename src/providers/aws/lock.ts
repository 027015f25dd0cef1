/**
 * The aws target's apply lock: one JSON LockRecord at `s3://<data.bucket>/<data.prefix>/locks/apply.json`,
 * under the prefix the tool owns, with the data credentials. Taken with a conditional put that
 * S3 refuses when the object exists (`If-None-Match: *`); an expired lock is taken over with a
 * put conditional on its ETag (`If-Match`), so of two takers only one succeeds.
 */

import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { OrgConfig } from '../../model/config.js';
import type { ApplyLock, LockRecord } from '../../model/provider.js';
import { isRecord } from '../../model/values.js';
import type { AwsClients } from './clients.js';
import { type AwsSend, errorName } from './retry.js';

/** S3's answers when a conditional put loses: the condition failed, or another put of the key was in flight. */
const LOST = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

export function lockKey(org: Pick<OrgConfig, 'data'>): string {
  return [org.data.prefix, 'locks', 'apply.json'].filter((p) => p !== '').join('/');
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (
      isRecord(v) &&
      typeof v.id === 'string' &&
      typeof v.holder === 'string' &&
      typeof v.acquired === 'string' &&
      typeof v.expires === 'string'
    )
      return { id: v.id, holder: v.holder, acquired: v.acquired, expires: v.expires };
  } catch {
    // Not JSON: the caller names it.
  }
  return undefined;
}

export class S3ApplyLock implements ApplyLock {
  readonly location: string;
  readonly #bucket: string;
  readonly #key: string;
  readonly #region: string;

  constructor(
    private readonly clients: AwsClients,
    private readonly send: AwsSend,
    org: Pick<OrgConfig, 'data' | 'glue'>,
  ) {
    this.#bucket = org.data.bucket;
    this.#key = lockKey(org);
    this.#region = org.glue.region;
    this.location = `s3://${this.#bucket}/${this.#key}`;
  }

  async #read(): Promise<{ record: LockRecord | undefined; text: string; etag: string } | undefined> {
    try {
      const answer = await this.send(
        this.clients.s3(this.#region),
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key }),
        { what: `read the apply lock ${this.location}`, region: this.#region },
      );
      const text = (await answer.Body?.transformToString('utf-8')) ?? '';
      return { record: parseRecord(text), text, etag: answer.ETag ?? '' };
    } catch (e) {
      if (errorName(e) === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  /** Puts the record on a condition; false when the condition lost. */
  async #put(record: LockRecord, condition: { IfNoneMatch: '*' } | { IfMatch: string }): Promise<boolean> {
    try {
      await this.send(
        this.clients.s3(this.#region),
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key,
          Body: `${JSON.stringify(record, null, 2)}\n`,
          ContentType: 'application/json',
          ...condition,
        }),
        { what: `take the apply lock ${this.location}`, region: this.#region, write: true },
      );
      return true;
    } catch (e) {
      if (LOST.has(errorName(e))) return false;
      throw e;
    }
  }

  async acquire(
    record: LockRecord,
    now: Date,
  ): Promise<{ acquired: true; replaced?: LockRecord } | { acquired: false; held: LockRecord }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.#put(record, { IfNoneMatch: '*' })) return { acquired: true };
      const found = await this.#read();
      if (!found) continue; // Released meanwhile.
      const held = found.record;
      if (!held)
        return {
          acquired: false,
          held: {
            id: '',
            holder: `an unreadable lock object (${found.text.length} bytes, not a lock record)`,
            acquired: 'unknown',
            expires: 'never (remove it with --force-unlock)',
          },
        };
      if (Date.parse(held.expires) > now.getTime()) return { acquired: false, held };
      // Expired: replace exactly the object read; another taker's put makes this one lose.
      if (await this.#put(record, { IfMatch: found.etag })) return { acquired: true, replaced: held };
    }
    throw new Error(
      `Could not take the apply lock at ${this.location}: it changed hands while being taken; try again.`,
    );
  }

  async #delete(): Promise<void> {
    await this.send(
      this.clients.s3(this.#region),
      new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key }),
      { what: `remove the apply lock ${this.location}`, region: this.#region, write: true },
    );
  }

  async release(id: string): Promise<void> {
    const found = await this.#read();
    if (found?.record?.id === id) await this.#delete();
  }

  async forceUnlock(): Promise<LockRecord | undefined> {
    const found = await this.#read();
    if (!found) return undefined;
    await this.#delete();
    return (
      found.record ?? { id: '', holder: 'an unreadable lock object', acquired: 'unknown', expires: 'unknown' }
    );
  }
}
