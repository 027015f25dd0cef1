/**
 * The rows of the reference tables in S3: one JSON-lines object per table under data.bucket,
 * read with GetObject and written with PutObject. An object is ours when its user metadata carries
 * the ownership tag (`x-amz-meta-<tagKey>: <tagValue>`); an object at the same key without it is
 * left alone (the plan names it as a conflict).
 */

import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { OrgConfig } from '../../model/config.js';
import { errorMessage } from '../../model/errors.js';
import { assertKind } from '../../model/kinds.js';
import type { Change } from '../../model/plan.js';
import type { Provider } from '../../model/provider.js';
import type { CurrentResource, DesiredResource, TableDataProperties } from '../../model/resources.js';
import { decodeJsonLines, encodeJsonLines, parseS3Uri } from '../../model/table-data.js';
import type { AwsClients } from './clients.js';
import { type AwsSend, errorName } from './retry.js';

export interface AwsTableDataProviderOptions {
  clients: AwsClients;
  send: AwsSend;
  org: Pick<OrgConfig, 'ownership'>;
}

/** S3 keeps user metadata keys in lower case, and a header name holds no ':' or spaces. */
export function metadataKey(tagKey: string): string {
  return tagKey.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

export class AwsTableDataProvider implements Provider<'table-data'> {
  readonly kind = 'table-data' as const;
  readonly #clients: AwsClients;
  readonly #send: AwsSend;
  readonly #org: Pick<OrgConfig, 'ownership'>;

  constructor(options: AwsTableDataProviderOptions) {
    this.#clients = options.clients;
    this.#send = options.send;
    this.#org = options.org;
  }

  /** Reads the object of each desired table; a missing object is a table without data yet. */
  async read(desired: DesiredResource<'table-data'>[]): Promise<CurrentResource<'table-data'>[]> {
    const found: CurrentResource<'table-data'>[] = [];
    for (const resource of desired) {
      const current = await this.#readOne(resource);
      if (current !== undefined) found.push(current);
    }
    return found;
  }

  async #readOne(
    resource: DesiredResource<'table-data'>,
  ): Promise<CurrentResource<'table-data'> | undefined> {
    const { bucket, key } = parseS3Uri(resource.properties.location);
    let body: string;
    let metadata: Record<string, string>;
    try {
      const answer = await this.#send(
        this.#clients.s3(resource.region),
        new GetObjectCommand({ Bucket: bucket, Key: key }),
        {
          what: `read the reference data of ${resource.properties.table} (${resource.properties.location})`,
          region: resource.region,
        },
      );
      body = (await answer.Body?.transformToString('utf-8')) ?? '';
      metadata = answer.Metadata ?? {};
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return undefined;
      throw error;
    }
    const { tagKey, tagValue } = this.#org.ownership;
    const owned = metadata[metadataKey(tagKey)] === tagValue;
    let rows: TableDataProperties['rows'];
    try {
      rows = decodeJsonLines(body, resource.properties.columns);
    } catch (error) {
      if (owned) {
        throw new Error(
          `The reference data of ${resource.properties.table} at ${resource.properties.location} is not JSON lines: ${errorMessage(error)}`,
        );
      }
      rows = [];
    }
    return {
      kind: 'table-data',
      key: resource.key,
      region: resource.region,
      // Columns and key column are the object's own only through its rows: a file written for
      // other columns reads as different rows.
      properties: { ...resource.properties, rows },
      owned,
    };
  }

  async apply(change: Change<'table-data'>): Promise<void> {
    assertKind(change, 'table-data');
    switch (change.action) {
      case 'no-op':
        return;
      case 'delete':
        throw new Error(
          `Refusing to delete the reference data of ${change.name}: org-compliance does not delete it; its Glue table reads it`,
        );
      case 'create':
      case 'update': {
        const data = change.after;
        if (data === undefined) throw new Error(`Change ${change.key} (${change.action}) carries no rows`);
        const { bucket, key } = parseS3Uri(data.location);
        await this.#send(
          this.#clients.s3(change.region),
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: encodeJsonLines(data.columns, data.rows),
            ContentType: 'application/x-ndjson',
            Metadata: { [metadataKey(this.#org.ownership.tagKey)]: this.#org.ownership.tagValue },
          }),
          {
            what: `write the reference data of ${data.table} (${data.location}, ${data.rows.length} rows)`,
            region: change.region,
            write: true,
          },
        );
      }
    }
  }
}
