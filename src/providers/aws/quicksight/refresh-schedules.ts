/**
 * SPICE refresh schedules (quicksight/refresh-schedules/<id>.json: CreateRefreshSchedule's Schedule
 * plus its DataSetId). A schedule belongs to a data set and has no tags of its own: it is owned
 * when its data set is. QuickSight takes at most five schedules a data set; more are refused before
 * anything is sent. Schedule ids are unique within their data set, so keys and pairing use
 * `<DataSetId>/<ScheduleId>`.
 */

import {
  CreateRefreshScheduleCommand,
  DeleteRefreshScheduleCommand,
  ListRefreshSchedulesCommand,
  type RefreshSchedule,
  RefreshSchedule$,
  UpdateRefreshScheduleCommand,
} from '@aws-sdk/client-quicksight';
import type { Change } from '../../../model/plan.js';
import type { QuickSightProperties } from '../../../model/quicksight.js';
import type { CurrentResource, DesiredResource } from '../../../model/resources.js';
import { resourceKey } from '../../../model/resources.js';
import { normalizeBody, refreshScheduleBody, withoutServerChosen } from '../../../quicksight/normalize.js';
import { quickSightResourceArn } from '../../../quicksight/resolve.js';
import { errorName } from '../retry.js';
import { QuickSightProviderBase } from './common.js';
import { withRequestTimestamps } from './timestamps.js';

/** CreateRefreshSchedule: at most five schedules a data set. */
export const MAX_REFRESH_SCHEDULES_PER_DATA_SET = 5;

export class AwsQuickSightRefreshScheduleProvider extends QuickSightProviderBase<'quicksight-refresh-schedule'> {
  readonly kind = 'quicksight-refresh-schedule' as const;

  read(
    desired: DesiredResource<'quicksight-refresh-schedule'>[],
  ): Promise<CurrentResource<'quicksight-refresh-schedule'>[]> {
    return this.shared.during(() => this.#read(desired));
  }

  async #read(
    desired: DesiredResource<'quicksight-refresh-schedule'>[],
  ): Promise<CurrentResource<'quicksight-refresh-schedule'>[]> {
    const mine = desired.filter((d) => d.kind === this.kind);
    const wanted = new Map(mine.map((d) => [scheduleRef(dataSetIdOf(d.properties), d.properties.id), d]));
    this.#assertScheduleLimit(mine);
    const found = await this.candidates(
      await this.listDataSetSummaries(),
      (summary) => summary.DataSetId ?? '',
      (summary) => summary.Arn ?? this.dataSetArn(summary.DataSetId ?? ''),
      new Set(mine.map((d) => dataSetIdOf(d.properties))),
    );
    const current: CurrentResource<'quicksight-refresh-schedule'>[] = [];
    for (const { item, id: dataSetId, owned } of found) {
      // Only SPICE data sets are refreshed; the API refuses schedules on direct-query ones.
      if (item.ImportMode !== 'SPICE') continue;
      for (const schedule of await this.#schedules(dataSetId)) {
        const scheduleId = schedule.ScheduleId ?? '';
        const ref = scheduleRef(dataSetId, scheduleId);
        const match = wanted.get(ref);
        const raw = withoutServerChosen(
          this.kind,
          refreshScheduleBody(dataSetId, schedule),
          match?.properties.body ?? {},
        );
        current.push({
          kind: this.kind,
          key: match?.key ?? resourceKey(this.kind, this.region, ref),
          region: this.region,
          properties: {
            id: scheduleId,
            // A schedule has no name in QuickSight: the desired one's is kept, else the id.
            name: match?.properties.name ?? scheduleId,
            body: normalizeBody(this.kind, raw),
            permissions: [],
          },
          owned,
        });
      }
    }
    return current;
  }

  protected async create(
    properties: QuickSightProperties,
    _change: Change<'quicksight-refresh-schedule'>,
  ): Promise<void> {
    const dataSetId = dataSetIdOf(properties);
    await this.#assertDataSetOwned(dataSetId, properties.id, 'create');
    await this.call(
      new CreateRefreshScheduleCommand({
        AwsAccountId: this.accountId,
        DataSetId: dataSetId,
        Schedule: this.#schedule(properties),
      }),
      `create ${this.subject(scheduleRef(dataSetId, properties.id))}`,
      true,
    );
  }

  protected async update(
    properties: QuickSightProperties,
    _before: QuickSightProperties | undefined,
    _change: Change<'quicksight-refresh-schedule'>,
  ): Promise<void> {
    const dataSetId = dataSetIdOf(properties);
    await this.#assertDataSetOwned(dataSetId, properties.id, 'update');
    await this.call(
      new UpdateRefreshScheduleCommand({
        AwsAccountId: this.accountId,
        DataSetId: dataSetId,
        Schedule: this.#schedule(properties),
      }),
      `update ${this.subject(scheduleRef(dataSetId, properties.id))}`,
      true,
    );
  }

  protected override async remove(
    properties: QuickSightProperties,
    _change: Change<'quicksight-refresh-schedule'>,
  ): Promise<void> {
    const dataSetId = dataSetIdOf(properties);
    const ref = scheduleRef(dataSetId, properties.id);
    const owned = await this.tagged(this.dataSetArn(dataSetId), dataSetId);
    // The data set is gone, and its schedules with it.
    if (owned === undefined) return;
    if (!owned) {
      throw new Error(
        `Refusing to delete ${this.subject(ref)}: its data set ${dataSetId} does not carry the ownership tag ` +
          `${this.ownership.tagKey}=${this.ownership.tagValue}`,
      );
    }
    try {
      await this.call(
        new DeleteRefreshScheduleCommand({
          AwsAccountId: this.accountId,
          DataSetId: dataSetId,
          ScheduleId: properties.id,
        }),
        `delete ${this.subject(ref)}`,
        true,
      );
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
  }

  async #schedules(dataSetId: string): Promise<RefreshSchedule[]> {
    try {
      const answer = await this.call(
        new ListRefreshSchedulesCommand({ AwsAccountId: this.accountId, DataSetId: dataSetId }),
        `list the refresh schedules of QuickSight data set ${dataSetId}`,
      );
      return answer.RefreshSchedules ?? [];
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return [];
      throw error;
    }
  }

  #schedule(properties: QuickSightProperties): RefreshSchedule {
    const { DataSetId: _dataSetId, ...schedule } = properties.body;
    return withRequestTimestamps(RefreshSchedule$, {
      ...schedule,
      ScheduleId: properties.id,
    }) as RefreshSchedule;
  }

  async #assertDataSetOwned(
    dataSetId: string,
    scheduleId: string,
    action: 'create' | 'update',
  ): Promise<void> {
    const owned = await this.tagged(this.dataSetArn(dataSetId), dataSetId);
    const subject = this.subject(scheduleRef(dataSetId, scheduleId));
    if (owned === undefined) {
      throw new Error(`Cannot ${action} ${subject}: QuickSight data set ${dataSetId} does not exist`);
    }
    if (!owned) {
      throw new Error(
        `Refusing to ${action} ${subject}: its data set ${dataSetId} does not carry the ownership tag ` +
          `${this.ownership.tagKey}=${this.ownership.tagValue}`,
      );
    }
  }

  #assertScheduleLimit(desired: DesiredResource<'quicksight-refresh-schedule'>[]): void {
    const perDataSet = new Map<string, string[]>();
    for (const d of desired) {
      const dataSetId = dataSetIdOf(d.properties);
      perDataSet.set(dataSetId, [...(perDataSet.get(dataSetId) ?? []), d.properties.id]);
    }
    for (const [dataSetId, ids] of perDataSet) {
      if (ids.length > MAX_REFRESH_SCHEDULES_PER_DATA_SET) {
        throw new Error(
          `QuickSight data set ${dataSetId} has ${ids.length} refresh schedules (${ids.sort().join(', ')}); ` +
            `QuickSight allows at most ${MAX_REFRESH_SCHEDULES_PER_DATA_SET} a data set`,
        );
      }
    }
  }

  protected dataSetArn(dataSetId: string): string {
    return quickSightResourceArn(this.region, this.accountId, 'dataset', dataSetId);
  }
}

/** `<DataSetId>/<ScheduleId>`: unique across data sets. */
export function scheduleRef(dataSetId: string, scheduleId: string): string {
  return `${dataSetId}/${scheduleId}`;
}

function dataSetIdOf(properties: QuickSightProperties): string {
  const id = properties.body.DataSetId;
  if (typeof id !== 'string' || id === '') {
    throw new Error(`Refresh schedule ${properties.id} names no DataSetId`);
  }
  return id;
}
