/**
 * The aws target's apply lock: one JSON LockRecord at `s3://<data.bucket>/<data.prefix>/locks/apply.json`,
 * under the prefix the tool owns, with the data credentials (the lease itself is
 * src/apply/lock.ts). Taken with a conditional put that S3 refuses when the object exists
 * (`If-None-Match: *`); an expired lock is taken over with a put conditional on its ETag
 * (`If-Match`), so of two takers only one succeeds.
 */

import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { LeaseLock, type LockStorage } from '../../apply/lock.js';
import type { OrgConfig } from '../../model/config.js';
import type { AwsClients } from './clients.js';
import { type AwsSend, errorName } from './retry.js';

/** S3's answers when a conditional put loses: the condition failed, or another put of the key was in flight. */
const LOST = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

export function lockKey(org: Pick<OrgConfig, 'data'>): string {
  return [org.data.prefix, 'locks', 'apply.json'].filter((p) => p !== '').join('/');
}

class LockObject implements LockStorage {
  readonly location: string;
  readonly noun = 'object';
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

  async read(): Promise<{ text: string; version: string } | undefined> {
    try {
      const answer = await this.send(
        this.clients.s3(this.#region),
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key }),
        { what: `read the apply lock ${this.location}`, region: this.#region },
      );
      return { text: (await answer.Body?.transformToString('utf-8')) ?? '', version: answer.ETag ?? '' };
    } catch (e) {
      if (errorName(e) === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  /** Puts the text on a condition; false when the condition lost. */
  async #put(text: string, condition: { IfNoneMatch: '*' } | { IfMatch: string }): Promise<boolean> {
    try {
      await this.send(
        this.clients.s3(this.#region),
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key,
          Body: text,
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

  create(text: string): Promise<boolean> {
    return this.#put(text, { IfNoneMatch: '*' });
  }

  replace(version: string, text: string): Promise<boolean> {
    return this.#put(text, { IfMatch: version });
  }

  async remove(): Promise<void> {
    await this.send(
      this.clients.s3(this.#region),
      new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key }),
      { what: `remove the apply lock ${this.location}`, region: this.#region, write: true },
    );
  }
}

export class S3ApplyLock extends LeaseLock {
  constructor(clients: AwsClients, send: AwsSend, org: Pick<OrgConfig, 'data' | 'glue'>) {
    super(new LockObject(clients, send, org));
  }
}
