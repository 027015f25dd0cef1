/**
 * The Glue table over the Config snapshot bucket. Reads GetTable into GlueTableProperties; creates
 * (and the database when missing) or updates it with the whole TableInput. Never deletes a table.
 */

import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetTableCommand,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { OrgConfig } from '../../model/config.js';
import { assertKind } from '../../model/kinds.js';
import type { Change } from '../../model/plan.js';
import type { Provider } from '../../model/provider.js';
import {
  type CurrentResource,
  type DesiredResource,
  type GlueColumn,
  type GlueTableProperties,
  resourceKey,
} from '../../model/resources.js';
import { present } from '../../model/values.js';
import type { AwsClients } from './clients.js';
import { type AwsSend, errorName } from './retry.js';

export interface TableMarker {
  tagKey: string;
  tagValue: string;
}

/**
 * Table parameters that Glue, Athena or the console set by themselves. They are not part of the
 * comparable properties (they would make every plan show a change) and UpdateTable drops them.
 */
export const SERVICE_MANAGED_PARAMETERS = new Set([
  'transient_lastDdlTime',
  'last_modified_by',
  'last_modified_time',
]);

/** The TableInput that creates or replaces the table described by `p`. */
export function tableInputFromProperties(p: GlueTableProperties): TableInput {
  return {
    Name: p.name,
    TableType: p.tableType,
    Parameters: { ...p.parameters },
    PartitionKeys: p.partitionKeys.map(sdkColumn),
    StorageDescriptor: {
      Columns: p.columns.map(sdkColumn),
      Location: p.location,
      InputFormat: p.inputFormat,
      OutputFormat: p.outputFormat,
      SerdeInfo: {
        SerializationLibrary: p.serializationLibrary,
        Parameters: { ...p.serdeParameters },
      },
    },
  };
}

/** `glue-table/<region>/<database>.<table>`. */
export function glueTableKey(region: string, database: string, table: string): string {
  return resourceKey('glue-table', region, `${database}.${table}`);
}

export interface ReadTable {
  properties: GlueTableProperties;
  /** The ownership parameter is there with its value. */
  owned: boolean;
  versionId?: string;
}

/**
 * GetTable's `Table` in the shape desired state has. CreateTime, VersionId, CatalogId and the other
 * fields the service sets are left out; `owned` says whether `Parameters[tagKey] === tagValue`.
 */
export function propertiesFromTable(table: Table, marker: TableMarker): ReadTable {
  const storage = table.StorageDescriptor ?? {};
  const parameters = withoutServiceManaged(table.Parameters ?? {});
  const properties: GlueTableProperties = {
    database: table.DatabaseName ?? '',
    name: table.Name ?? '',
    tableType: table.TableType ?? '',
    parameters,
    columns: (storage.Columns ?? []).map(modelColumn),
    partitionKeys: (table.PartitionKeys ?? []).map(modelColumn),
    location: storage.Location ?? '',
    inputFormat: storage.InputFormat ?? '',
    outputFormat: storage.OutputFormat ?? '',
    serializationLibrary: storage.SerdeInfo?.SerializationLibrary ?? '',
    serdeParameters: { ...(storage.SerdeInfo?.Parameters ?? {}) },
  };
  return {
    properties,
    owned: table.Parameters?.[marker.tagKey] === marker.tagValue,
    ...present({ versionId: table.VersionId }),
  };
}

export interface AwsGlueTableProviderOptions {
  clients: AwsClients;
  send: AwsSend;
  /** Where the table lives (org.glue) and what marks it as ours (org.ownership). */
  org: Pick<OrgConfig, 'glue' | 'ownership'>;
}

export class AwsGlueTableProvider implements Provider<'glue-table'> {
  readonly kind = 'glue-table' as const;
  readonly #clients: AwsClients;
  readonly #send: AwsSend;
  readonly #org: Pick<OrgConfig, 'glue' | 'ownership'>;
  /** VersionId seen by the last read, per resource key: UpdateTable sends it so a concurrent change fails. */
  readonly #versions = new Map<string, string>();
  /** The database of each region made sure of, once per provider. */
  readonly #databases = new Map<string, Promise<void>>();

  constructor(options: AwsGlueTableProviderOptions) {
    this.#clients = options.clients;
    this.#send = options.send;
    this.#org = options.org;
  }

  async read(desired: DesiredResource<'glue-table'>[]): Promise<CurrentResource<'glue-table'>[]> {
    // The configured table is always looked at; a desired resource naming the same table lends it its key.
    const targets = new Map<string, { key: string; region: string; database: string; name: string }>();
    const { region, database, table } = this.#org.glue;
    targets.set(`${region}|${database}|${table}`, {
      key: glueTableKey(region, database, table),
      region,
      database,
      name: table,
    });
    for (const resource of desired) {
      const { database: db, name } = resource.properties;
      targets.set(`${resource.region}|${db}|${name}`, {
        key: resource.key,
        region: resource.region,
        database: db,
        name,
      });
    }

    const found: CurrentResource<'glue-table'>[] = [];
    for (const target of targets.values()) {
      const table = await this.#getTable(target.region, target.database, target.name);
      if (table === undefined) continue;
      const read = propertiesFromTable(table, this.#org.ownership);
      if (read.versionId !== undefined) this.#versions.set(target.key, read.versionId);
      else this.#versions.delete(target.key);
      found.push({
        kind: 'glue-table',
        key: target.key,
        region: target.region,
        properties: read.properties,
        owned: read.owned,
      });
    }
    return found;
  }

  async apply(change: Change<'glue-table'>): Promise<void> {
    assertKind(change, 'glue-table');
    switch (change.action) {
      case 'no-op':
        return;
      case 'delete':
        throw new Error(
          `Refusing to delete Glue table ${change.name} in ${change.region}: org-compliance never deletes tables. ` +
            'Remove it by hand if it really must go.',
        );
      case 'create':
        return this.#create(change.region, tableProperties(change));
      case 'update':
        return this.#update(change.key, change.region, tableProperties(change));
    }
  }

  async #getTable(region: string, database: string, name: string): Promise<Table | undefined> {
    try {
      const answer = await this.#send(
        this.#clients.glue(region),
        new GetTableCommand({ DatabaseName: database, Name: name }),
        { what: `read Glue table ${database}.${name}`, region },
      );
      return answer.Table;
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw error;
    }
  }

  async #create(region: string, p: GlueTableProperties): Promise<void> {
    const glue = this.#clients.glue(region);
    await this.#ensureDatabase(region, p.database);
    try {
      await this.#send(
        glue,
        new CreateTableCommand({ DatabaseName: p.database, TableInput: tableInputFromProperties(p) }),
        {
          what: `create Glue table ${p.database}.${p.name}`,
          region,
          write: true,
        },
      );
    } catch (error) {
      if (errorName(error) === 'AlreadyExistsException') {
        throw new Error(
          `Glue table ${p.database}.${p.name} in ${region} was created by someone else since the plan was made; run plan again.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Once per database however many tables are created at once (the reference tables are). */
  #ensureDatabase(region: string, database: string): Promise<void> {
    const key = `${region}|${database}`;
    let ensured = this.#databases.get(key);
    if (ensured === undefined) {
      ensured = this.#createDatabaseIfMissing(region, database);
      // A failure is not remembered: the next table tries again.
      ensured.catch(() => this.#databases.delete(key));
      this.#databases.set(key, ensured);
    }
    return ensured;
  }

  async #createDatabaseIfMissing(region: string, database: string): Promise<void> {
    const glue = this.#clients.glue(region);
    try {
      await this.#send(glue, new GetDatabaseCommand({ Name: database }), {
        what: `read Glue database ${database}`,
        region,
      });
      return;
    } catch (error) {
      if (errorName(error) !== 'EntityNotFoundException') throw error;
    }
    try {
      await this.#send(
        glue,
        new CreateDatabaseCommand({
          DatabaseInput: {
            Name: database,
            Description: 'AWS Config snapshots across the organization, managed by org-compliance',
            Parameters: { [this.#org.ownership.tagKey]: this.#org.ownership.tagValue },
          },
        }),
        { what: `create Glue database ${database}`, region, write: true },
      );
    } catch (error) {
      // Created by someone else in the meantime: what we need is there.
      if (errorName(error) !== 'AlreadyExistsException') throw error;
    }
  }

  async #update(key: string, region: string, p: GlueTableProperties): Promise<void> {
    const versionId = this.#versions.get(key);
    try {
      await this.#send(
        this.#clients.glue(region),
        new UpdateTableCommand({
          DatabaseName: p.database,
          TableInput: tableInputFromProperties(p),
          ...present({ VersionId: versionId }),
        }),
        { what: `update Glue table ${p.database}.${p.name}`, region, write: true },
      );
    } catch (error) {
      if (errorName(error) === 'ConcurrentModificationException') {
        throw new Error(
          `Glue table ${p.database}.${p.name} in ${region} changed since the plan was made` +
            `${versionId !== undefined ? ` (the plan read version ${versionId})` : ''}; run plan again.`,
          { cause: error },
        );
      }
      throw error;
    }
    this.#versions.delete(key);
  }
}

function tableProperties(change: Change<'glue-table'>): GlueTableProperties {
  const after = change.after;
  if (after === undefined) {
    throw new Error(`Change ${change.key} (${change.action}) carries no Glue table properties`);
  }
  return after;
}

function sdkColumn(column: GlueColumn) {
  return { Name: column.name, Type: column.type };
}

function modelColumn(column: { Name?: string | undefined; Type?: string | undefined }): GlueColumn {
  return { name: column.Name ?? '', type: column.Type ?? '' };
}

function withoutServiceManaged(parameters: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).filter(([key]) => !SERVICE_MANAGED_PARAMETERS.has(key)),
  );
}
