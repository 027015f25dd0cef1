/**
 * The reference tables' rows on the local target: the same JSON-lines object as on AWS, written
 * into the local S3 tree (`s3/<bucket>/<key>`) where the DuckDB engine reads it through the Glue
 * table, and read back from there by plan.
 */

import { errorMessage } from '../../model/errors.js';
import { assertKind } from '../../model/kinds.js';
import type { Change } from '../../model/plan.js';
import type { Provider } from '../../model/provider.js';
import type { CurrentResource, DesiredResource } from '../../model/resources.js';
import { decodeJsonLines, encodeJsonLines, parseS3Uri } from '../../model/table-data.js';
import type { LocalStore } from './store.js';

export class LocalTableDataProvider implements Provider<'table-data'> {
  readonly kind = 'table-data' as const;

  constructor(private readonly store: LocalStore) {}

  async read(desired: DesiredResource<'table-data'>[]): Promise<CurrentResource<'table-data'>[]> {
    const found: CurrentResource<'table-data'>[] = [];
    for (const resource of desired) {
      const { bucket, key } = parseS3Uri(resource.properties.location);
      const text = await this.store.readObject(bucket, key);
      if (text === undefined) continue;
      let rows: CurrentResource<'table-data'>['properties']['rows'];
      try {
        rows = decodeJsonLines(text, resource.properties.columns);
      } catch (error) {
        throw new Error(
          `The reference data of ${resource.properties.table} (${this.store.s3Path(bucket, key)}) is not JSON lines: ${errorMessage(error)}`,
        );
      }
      // Everything in the local S3 tree under data.bucket/data.prefix was put there by this tool.
      found.push({ ...resource, properties: { ...resource.properties, rows }, owned: true });
    }
    return found;
  }

  async apply(change: Change<'table-data'>): Promise<void> {
    assertKind(change, 'table-data');
    if (change.action === 'no-op') return;
    if (change.action === 'delete') {
      throw new Error(`Refusing to delete the reference data of ${change.name}: its Glue table reads it`);
    }
    const data = change.after;
    if (data === undefined) throw new Error(`Change ${change.key} (${change.action}) carries no rows`);
    const { bucket, key } = parseS3Uri(data.location);
    await this.store.writeObject(bucket, key, encodeJsonLines(data.columns, data.rows));
  }
}
