/**
 * QuickSight dashboards (quicksight/dashboards/<id>.json: DashboardId, Name, Definition, and
 * optionally DashboardPublishOptions / ThemeArn).
 *
 * CreateDashboard and UpdateDashboard each make a new version (its number is the last segment of
 * the answer's VersionArn) and answer before QuickSight has built it. The provider polls
 * DescribeDashboard for that version, bounded; only when the version ends `*_SUCCESSFUL` does it
 * publish it with UpdateDashboardPublishedVersion. A failed version is never published: the
 * provider throws with the version's `Errors[]`, each with the sheet and visual it concerns, and
 * viewers keep the version they had. read() compares the published version's Definition.
 */

import {
  CreateDashboardCommand,
  type CreateDashboardRequest,
  CreateDashboardRequest$,
  type DashboardError,
  DeleteDashboardCommand,
  DescribeDashboardCommand,
  DescribeDashboardDefinitionCommand,
  DescribeDashboardPermissionsCommand,
  ListDashboardsCommand,
  UpdateDashboardCommand,
  UpdateDashboardPermissionsCommand,
  UpdateDashboardPublishedVersionCommand,
  type UpdateDashboardRequest,
  UpdateDashboardRequest$,
} from '@aws-sdk/client-quicksight';
import type { Change } from '../../../model/plan.js';
import type { QuickSightProperties } from '../../../model/quicksight.js';
import type { CurrentResource, DesiredResource } from '../../../model/resources.js';
import {
  dashboardBody,
  normalizeBody,
  normalizePermissions,
  withoutServerChosen,
} from '../../../quicksight/normalize.js';
import { resourcePermissions } from '../../../quicksight/permissions.js';
import { allPages, nextToken } from '../paging.js';
import { VALIDATION_STRATEGY } from './analyses.js';
import {
  bodyChanged,
  type OwnCalls,
  QUICKSIGHT_PAGE_SIZE,
  QuickSightProviderBase,
  requestOf,
} from './common.js';
import { definitionErrorLines, settleFailure } from './definition-errors.js';
import { withRequestTimestamps } from './timestamps.js';

export class AwsQuickSightDashboardProvider extends QuickSightProviderBase<'quicksight-dashboard'> {
  readonly kind = 'quicksight-dashboard' as const;
  protected override readonly own: OwnCalls = {
    arnType: 'dashboard',
    delete: ({ AwsAccountId, id }) => new DeleteDashboardCommand({ AwsAccountId, DashboardId: id }),
    describePermissions: ({ AwsAccountId, id }) =>
      new DescribeDashboardPermissionsCommand({ AwsAccountId, DashboardId: id }),
    updatePermissions: ({ AwsAccountId, id }, update) =>
      new UpdateDashboardPermissionsCommand({ AwsAccountId, DashboardId: id, ...update }),
  };

  async read(
    desired: DesiredResource<'quicksight-dashboard'>[],
  ): Promise<CurrentResource<'quicksight-dashboard'>[]> {
    const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
    const pages = await allPages((token) =>
      this.call(
        new ListDashboardsCommand({
          AwsAccountId: this.accountId,
          MaxResults: QUICKSIGHT_PAGE_SIZE,
          ...nextToken(token),
        }),
        'list QuickSight dashboards',
      ),
    );
    const found = await this.candidates(
      pages.flatMap((page) => page.DashboardSummaryList ?? []),
      (summary) => summary.DashboardId ?? '',
      (summary) => summary.Arn ?? this.arn(summary.DashboardId ?? ''),
      new Set(wanted.keys()),
    );
    const current: CurrentResource<'quicksight-dashboard'>[] = [];
    for (const { id, owned } of found) {
      // Without a version number: the published version, the one viewers see.
      const answer = await this.call(
        new DescribeDashboardDefinitionCommand({ AwsAccountId: this.accountId, DashboardId: id }),
        `read the definition of ${this.subject(id)}`,
      );
      const raw = withoutServerChosen(
        this.kind,
        dashboardBody(answer),
        wanted.get(id)?.properties.body ?? {},
      );
      const resource: CurrentResource<'quicksight-dashboard'> = {
        kind: this.kind,
        key: this.keyOf(wanted, id),
        region: this.region,
        properties: {
          id,
          name: answer.Name ?? '',
          body: normalizeBody(this.kind, raw),
          permissions: normalizePermissions(await this.describePermissions(id)),
        },
        owned,
      };
      const state = answer.ResourceStatus;
      if (state?.endsWith('_FAILED')) {
        resource.status = { state, details: definitionErrorLines(answer.Errors ?? [], answer.Definition) };
      }
      current.push(resource);
    }
    return current;
  }

  protected async create(
    properties: QuickSightProperties,
    _change: Change<'quicksight-dashboard'>,
  ): Promise<void> {
    const id = properties.id;
    const request = requestOf<CreateDashboardRequest>(this.accountId, properties.body, {
      DashboardId: id,
      Name: properties.name,
      ValidationStrategy: VALIDATION_STRATEGY,
      ...(properties.permissions.length > 0
        ? { Permissions: resourcePermissions(properties.permissions) }
        : {}),
      Tags: this.ownershipTags(),
    });
    const answer = await this.call(
      new CreateDashboardCommand(withRequestTimestamps(CreateDashboardRequest$, request)),
      `create ${this.subject(id)}`,
      true,
    );
    const version = this.#versionNumber(id, answer.VersionArn);
    await this.#settle(properties, version, 'create');
    await this.#publish(id, version);
  }

  protected async update(
    properties: QuickSightProperties,
    before: QuickSightProperties | undefined,
    _change: Change<'quicksight-dashboard'>,
  ): Promise<void> {
    const id = properties.id;
    await this.assertUpdatable(id, this.arn(id));
    if (bodyChanged(before, properties) || before?.name !== properties.name) {
      const request = requestOf<UpdateDashboardRequest>(this.accountId, properties.body, {
        DashboardId: id,
        Name: properties.name,
        ValidationStrategy: VALIDATION_STRATEGY,
      });
      const answer = await this.call(
        new UpdateDashboardCommand(withRequestTimestamps(UpdateDashboardRequest$, request)),
        `update ${this.subject(id)}`,
        true,
      );
      const version = this.#versionNumber(id, answer.VersionArn);
      await this.#settle(properties, version, 'update');
      await this.#publish(id, version);
    }
    await this.syncPermissions(id, properties.permissions);
  }

  /** `arn:…:dashboard/<id>/version/<n>` → n. */
  #versionNumber(id: string, versionArn: string | undefined): number {
    const match = /\/version\/(\d+)$/.exec(versionArn ?? '');
    if (!match) {
      throw new Error(
        `QuickSight did not say which version of ${this.subject(id)} it made (VersionArn ${versionArn ?? 'missing'}); ` +
          'nothing was published',
      );
    }
    return Number(match[1]);
  }

  /** Waits for the version; on failure throws with its errors (and nothing is published). */
  async #settle(
    properties: QuickSightProperties,
    version: number,
    action: 'create' | 'update',
  ): Promise<void> {
    const id = properties.id;
    let errors: DashboardError[] = [];
    const state = await this.waitWhileInProgress(id, async () => {
      const answer = await this.call(
        new DescribeDashboardCommand({
          AwsAccountId: this.accountId,
          DashboardId: id,
          VersionNumber: version,
        }),
        `read the status of version ${version} of ${this.subject(id)}`,
      );
      errors = answer.Dashboard?.Version?.Errors ?? [];
      return answer.Dashboard?.Version?.Status ?? 'UNKNOWN';
    });
    if (state.endsWith('_SUCCESSFUL')) return;
    if (errors.length === 0) {
      const definition = await this.call(
        new DescribeDashboardDefinitionCommand({
          AwsAccountId: this.accountId,
          DashboardId: id,
          VersionNumber: version,
        }),
        `read the errors of version ${version} of ${this.subject(id)}`,
      );
      errors = definition.Errors ?? [];
    }
    const lines = definitionErrorLines(errors, properties.body.Definition);
    const failure = settleFailure(
      `Could not ${action} ${this.subject(id)}: version ${version}`,
      state,
      lines,
    );
    failure.message += '\nThe version was not published; viewers still see the previous one.';
    throw failure;
  }

  async #publish(id: string, version: number): Promise<void> {
    await this.call(
      new UpdateDashboardPublishedVersionCommand({
        AwsAccountId: this.accountId,
        DashboardId: id,
        VersionNumber: version,
      }),
      `publish version ${version} of ${this.subject(id)}`,
      true,
    );
  }
}
