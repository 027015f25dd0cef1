/**
 * QuickSight data sets (quicksight/data-sets/<id>.json, a CreateDataSet request). CreateDataSet and
 * UpdateDataSet answer synchronously (a SPICE data set starts an ingestion, which is not waited for).
 * ImportMode is required by both; a body without it is refused before anything is sent.
 */

import {
  CreateDataSetCommand,
  type CreateDataSetRequest,
  CreateDataSetRequest$,
  DeleteDataSetCommand,
  DescribeDataSetCommand,
  DescribeDataSetPermissionsCommand,
  UpdateDataSetCommand,
  UpdateDataSetPermissionsCommand,
  type UpdateDataSetRequest,
  UpdateDataSetRequest$,
} from '@aws-sdk/client-quicksight';
import type { Change } from '../../../model/plan.js';
import type { QuickSightProperties } from '../../../model/quicksight.js';
import type { CurrentResource, DesiredResource } from '../../../model/resources.js';
import {
  dataSetBody,
  type JsonObject,
  normalizeBody,
  normalizePermissions,
  withoutServerChosen,
} from '../../../quicksight/normalize.js';
import { resourcePermissions } from '../../../quicksight/permissions.js';
import { bodyChanged, type OwnCalls, QuickSightProviderBase, requestOf } from './common.js';
import { withRequestTimestamps } from './timestamps.js';

export const IMPORT_MODES = ['SPICE', 'DIRECT_QUERY'] as const;

export class AwsQuickSightDataSetProvider extends QuickSightProviderBase<'quicksight-data-set'> {
  readonly kind = 'quicksight-data-set' as const;
  protected override readonly own: OwnCalls = {
    arnType: 'dataset',
    delete: ({ AwsAccountId, id }) => new DeleteDataSetCommand({ AwsAccountId, DataSetId: id }),
    describePermissions: ({ AwsAccountId, id }) =>
      new DescribeDataSetPermissionsCommand({ AwsAccountId, DataSetId: id }),
    updatePermissions: ({ AwsAccountId, id }, update) =>
      new UpdateDataSetPermissionsCommand({ AwsAccountId, DataSetId: id, ...update }),
  };

  read(desired: DesiredResource<'quicksight-data-set'>[]): Promise<CurrentResource<'quicksight-data-set'>[]> {
    return this.shared.during(() => this.#read(desired));
  }

  async #read(
    desired: DesiredResource<'quicksight-data-set'>[],
  ): Promise<CurrentResource<'quicksight-data-set'>[]> {
    const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
    const found = await this.candidates(
      await this.listDataSetSummaries(),
      (summary) => summary.DataSetId ?? '',
      (summary) => summary.Arn ?? this.arn(summary.DataSetId ?? ''),
      new Set(wanted.keys()),
    );
    const current: CurrentResource<'quicksight-data-set'>[] = [];
    for (const { id, owned } of found) {
      const answer = await this.call(
        new DescribeDataSetCommand({ AwsAccountId: this.accountId, DataSetId: id }),
        `read ${this.subject(id)}`,
      );
      const dataSet = (answer.DataSet ?? {}) as JsonObject;
      const raw = withoutServerChosen(this.kind, dataSetBody(dataSet), wanted.get(id)?.properties.body ?? {});
      current.push({
        kind: this.kind,
        key: this.keyOf(wanted, id),
        region: this.region,
        properties: {
          id,
          name: typeof dataSet.Name === 'string' ? dataSet.Name : '',
          body: normalizeBody(this.kind, raw),
          permissions: normalizePermissions(await this.describePermissions(id)),
        },
        owned,
      });
    }
    return current;
  }

  protected async create(
    properties: QuickSightProperties,
    _change: Change<'quicksight-data-set'>,
  ): Promise<void> {
    const id = properties.id;
    this.#assertImportMode(properties);
    const request = requestOf<CreateDataSetRequest>(this.accountId, properties.body, {
      DataSetId: id,
      Name: properties.name,
      ...(properties.permissions.length > 0
        ? { Permissions: resourcePermissions(properties.permissions) }
        : {}),
      Tags: this.ownershipTags(),
    });
    await this.call(
      new CreateDataSetCommand(withRequestTimestamps(CreateDataSetRequest$, request)),
      `create ${this.subject(id)}`,
      true,
    );
  }

  protected async update(
    properties: QuickSightProperties,
    before: QuickSightProperties | undefined,
    _change: Change<'quicksight-data-set'>,
  ): Promise<void> {
    const id = properties.id;
    this.#assertImportMode(properties);
    await this.assertUpdatable(id, this.arn(id));
    if (bodyChanged(before, properties) || before?.name !== properties.name) {
      const request = requestOf<UpdateDataSetRequest>(this.accountId, properties.body, {
        DataSetId: id,
        Name: properties.name,
      });
      await this.call(
        new UpdateDataSetCommand(withRequestTimestamps(UpdateDataSetRequest$, request)),
        `update ${this.subject(id)}`,
        true,
      );
    }
    await this.syncPermissions(id, properties.permissions);
  }

  #assertImportMode(properties: QuickSightProperties): void {
    const mode = properties.body.ImportMode;
    if (!IMPORT_MODES.includes(mode as (typeof IMPORT_MODES)[number])) {
      throw new Error(
        `Refusing to write ${this.subject(properties.id)}: ImportMode is required and must be SPICE or DIRECT_QUERY, ` +
          `got ${mode === undefined ? 'nothing' : JSON.stringify(mode)}`,
      );
    }
  }
}
