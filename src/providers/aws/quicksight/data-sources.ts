/**
 * QuickSight data sources (quicksight/data-sources/<id>.json, a CreateDataSource request).
 * Creation and updates are asynchronous: the provider polls DescribeDataSource until the status
 * leaves CREATION_IN_PROGRESS / UPDATE_IN_PROGRESS, within a bound, and reports ErrorInfo on failure.
 */

import {
  CreateDataSourceCommand,
  type CreateDataSourceRequest,
  CreateDataSourceRequest$,
  type DataSource,
  DeleteDataSourceCommand,
  DescribeDataSourceCommand,
  DescribeDataSourcePermissionsCommand,
  ListDataSourcesCommand,
  UpdateDataSourceCommand,
  UpdateDataSourcePermissionsCommand,
  type UpdateDataSourceRequest,
} from '@aws-sdk/client-quicksight';
import type { Change } from '../../../model/plan.js';
import type { QuickSightProperties } from '../../../model/quicksight.js';
import type { CurrentResource, DesiredResource, ResourceStatus } from '../../../model/resources.js';
import { dataSourceBody, normalizeBody, normalizePermissions } from '../../../quicksight/normalize.js';
import { resourcePermissions } from '../../../quicksight/permissions.js';
import { allPages, nextToken } from '../paging.js';
import {
  bodyChanged,
  type OwnCalls,
  QUICKSIGHT_PAGE_SIZE,
  QuickSightProviderBase,
  requestOf,
} from './common.js';
import { withRequestTimestamps } from './timestamps.js';

export class AwsQuickSightDataSourceProvider extends QuickSightProviderBase<'quicksight-data-source'> {
  readonly kind = 'quicksight-data-source' as const;
  protected override readonly own: OwnCalls = {
    arnType: 'datasource',
    delete: ({ AwsAccountId, id }) => new DeleteDataSourceCommand({ AwsAccountId, DataSourceId: id }),
    describePermissions: ({ AwsAccountId, id }) =>
      new DescribeDataSourcePermissionsCommand({ AwsAccountId, DataSourceId: id }),
    updatePermissions: ({ AwsAccountId, id }, update) =>
      new UpdateDataSourcePermissionsCommand({ AwsAccountId, DataSourceId: id, ...update }),
  };

  async read(
    desired: DesiredResource<'quicksight-data-source'>[],
  ): Promise<CurrentResource<'quicksight-data-source'>[]> {
    const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
    const pages = await allPages((token) =>
      this.call(
        new ListDataSourcesCommand({
          AwsAccountId: this.accountId,
          MaxResults: QUICKSIGHT_PAGE_SIZE,
          ...nextToken(token),
        }),
        'list QuickSight data sources',
      ),
    );
    const sources = pages.flatMap((page) => page.DataSources ?? []);
    const found = await this.candidates(
      sources,
      (source) => source.DataSourceId ?? '',
      (source) => source.Arn ?? this.arn(source.DataSourceId ?? ''),
      new Set(wanted.keys()),
    );
    const current: CurrentResource<'quicksight-data-source'>[] = [];
    for (const { item, id, owned } of found) {
      const resource: CurrentResource<'quicksight-data-source'> = {
        kind: this.kind,
        key: this.keyOf(wanted, id),
        region: this.region,
        properties: {
          id,
          name: item.Name ?? '',
          body: normalizeBody(this.kind, dataSourceBody(item)),
          permissions: normalizePermissions(await this.describePermissions(id)),
        },
        owned,
      };
      const status = dataSourceStatus(item);
      if (status) resource.status = status;
      current.push(resource);
    }
    return current;
  }

  protected async create(
    properties: QuickSightProperties,
    _change: Change<'quicksight-data-source'>,
  ): Promise<void> {
    const id = properties.id;
    const request = requestOf<CreateDataSourceRequest>(this.accountId, properties.body, {
      DataSourceId: id,
      Name: properties.name,
      ...(properties.permissions.length > 0
        ? { Permissions: resourcePermissions(properties.permissions) }
        : {}),
      Tags: this.ownershipTags(),
    });
    await this.call(
      new CreateDataSourceCommand(withRequestTimestamps(CreateDataSourceRequest$, request)),
      `create ${this.subject(id)}`,
      true,
    );
    await this.#settle(id, 'create');
  }

  protected async update(
    properties: QuickSightProperties,
    before: QuickSightProperties | undefined,
    _change: Change<'quicksight-data-source'>,
  ): Promise<void> {
    const id = properties.id;
    await this.assertUpdatable(id, this.arn(id));
    const type = properties.body.Type;
    if (before !== undefined && before.body.Type !== undefined && before.body.Type !== type) {
      throw new Error(
        `Cannot change the Type of ${this.subject(id)} from ${String(before.body.Type)} to ${String(type)}: ` +
          'QuickSight keeps a data source its type. Give the new one another DataSourceId.',
      );
    }
    if (bodyChanged(before, properties) || before?.name !== properties.name) {
      const { Type: _type, ...updatable } = properties.body;
      const request = requestOf<UpdateDataSourceRequest>(this.accountId, updatable, {
        DataSourceId: id,
        Name: properties.name,
      });
      await this.call(new UpdateDataSourceCommand(request), `update ${this.subject(id)}`, true);
      await this.#settle(id, 'update');
    }
    await this.syncPermissions(id, properties.permissions);
  }

  /** Waits for the create or update to finish; throws with QuickSight's ErrorInfo when it failed. */
  async #settle(id: string, action: 'create' | 'update'): Promise<void> {
    let last: DataSource | undefined;
    const state = await this.waitWhileInProgress(id, async () => {
      const answer = await this.call(
        new DescribeDataSourceCommand({ AwsAccountId: this.accountId, DataSourceId: id }),
        `read the status of ${this.subject(id)}`,
      );
      last = answer.DataSource;
      return last?.Status ?? 'UNKNOWN';
    });
    if (state.endsWith('_SUCCESSFUL')) return;
    const info = last?.ErrorInfo;
    const reason = [info?.Type, info?.Message].filter((part) => part !== undefined && part !== '').join(': ');
    throw new Error(
      `Could not ${action} ${this.subject(id)}: it ended ${state}${reason !== '' ? ` (${reason})` : ''}`,
    );
  }
}

function dataSourceStatus(source: DataSource): ResourceStatus | undefined {
  const state = source.Status;
  if (state === undefined || !state.endsWith('_FAILED')) return undefined;
  const info = source.ErrorInfo;
  const message = [info?.Type, info?.Message].filter((part) => part !== undefined && part !== '').join(': ');
  return { state, ...(message !== '' ? { message } : {}), details: [] };
}
