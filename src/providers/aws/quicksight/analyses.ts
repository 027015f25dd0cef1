/**
 * QuickSight analyses (quicksight/analyses/<id>.json: AnalysisId, Name, Definition).
 *
 * CreateAnalysis / UpdateAnalysis send the Definition with `ValidationStrategy {Mode: STRICT}` and
 * answer before QuickSight has checked it: the provider polls DescribeAnalysis until the status
 * leaves `*_IN_PROGRESS` (bounded). On `*_FAILED` it reads DescribeAnalysisDefinition's `Errors[]`
 * and throws one error naming the analysis and listing every error with the sheet and visual it
 * concerns. read() compares the Definition DescribeAnalysisDefinition returns, normalised.
 */

import {
  CreateAnalysisCommand,
  type CreateAnalysisRequest,
  CreateAnalysisRequest$,
  DeleteAnalysisCommand,
  DescribeAnalysisCommand,
  DescribeAnalysisDefinitionCommand,
  DescribeAnalysisPermissionsCommand,
  ListAnalysesCommand,
  UpdateAnalysisCommand,
  UpdateAnalysisPermissionsCommand,
  type UpdateAnalysisRequest,
  UpdateAnalysisRequest$,
} from '@aws-sdk/client-quicksight';
import type { Change } from '../../../model/plan.js';
import type { QuickSightProperties } from '../../../model/quicksight.js';
import type { CurrentResource, DesiredResource } from '../../../model/resources.js';
import {
  analysisBody,
  normalizeBody,
  normalizePermissions,
  withoutServerChosen,
} from '../../../quicksight/normalize.js';
import { resourcePermissions } from '../../../quicksight/permissions.js';
import { allPages, nextToken } from '../paging.js';
import {
  bodyChanged,
  type OwnCalls,
  QUICKSIGHT_PAGE_SIZE,
  QuickSightProviderBase,
  requestOf,
} from './common.js';
import { definitionErrorLines, settleFailure } from './definition-errors.js';
import { withRequestTimestamps } from './timestamps.js';

/** Every Definition is checked strictly: a problem fails the write rather than leaving a broken visual. */
export const VALIDATION_STRATEGY = { Mode: 'STRICT' } as const;

export class AwsQuickSightAnalysisProvider extends QuickSightProviderBase<'quicksight-analysis'> {
  readonly kind = 'quicksight-analysis' as const;
  // A deleted analysis stays restorable for QuickSight's default recovery window.
  protected override readonly own: OwnCalls = {
    arnType: 'analysis',
    delete: ({ AwsAccountId, id }) => new DeleteAnalysisCommand({ AwsAccountId, AnalysisId: id }),
    describePermissions: ({ AwsAccountId, id }) =>
      new DescribeAnalysisPermissionsCommand({ AwsAccountId, AnalysisId: id }),
    updatePermissions: ({ AwsAccountId, id }, update) =>
      new UpdateAnalysisPermissionsCommand({ AwsAccountId, AnalysisId: id, ...update }),
  };

  async read(
    desired: DesiredResource<'quicksight-analysis'>[],
  ): Promise<CurrentResource<'quicksight-analysis'>[]> {
    const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
    const pages = await allPages((token) =>
      this.call(
        new ListAnalysesCommand({
          AwsAccountId: this.accountId,
          MaxResults: QUICKSIGHT_PAGE_SIZE,
          ...nextToken(token),
        }),
        'list QuickSight analyses',
      ),
    );
    // Deleted analyses stay listed, as DELETED, during their recovery window.
    const summaries = pages
      .flatMap((page) => page.AnalysisSummaryList ?? [])
      .filter((a) => a.Status !== 'DELETED');
    const found = await this.candidates(
      summaries,
      (summary) => summary.AnalysisId ?? '',
      (summary) => summary.Arn ?? this.arn(summary.AnalysisId ?? ''),
      new Set(wanted.keys()),
    );
    const current: CurrentResource<'quicksight-analysis'>[] = [];
    for (const { id, owned } of found) {
      const answer = await this.call(
        new DescribeAnalysisDefinitionCommand({ AwsAccountId: this.accountId, AnalysisId: id }),
        `read the definition of ${this.subject(id)}`,
      );
      const raw = withoutServerChosen(this.kind, analysisBody(answer), wanted.get(id)?.properties.body ?? {});
      const resource: CurrentResource<'quicksight-analysis'> = {
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
    _change: Change<'quicksight-analysis'>,
  ): Promise<void> {
    const id = properties.id;
    const request = requestOf<CreateAnalysisRequest>(this.accountId, properties.body, {
      AnalysisId: id,
      Name: properties.name,
      ValidationStrategy: VALIDATION_STRATEGY,
      ...(properties.permissions.length > 0
        ? { Permissions: resourcePermissions(properties.permissions) }
        : {}),
      Tags: this.ownershipTags(),
    });
    await this.call(
      new CreateAnalysisCommand(withRequestTimestamps(CreateAnalysisRequest$, request)),
      `create ${this.subject(id)}`,
      true,
    );
    await this.#settle(properties, 'create');
  }

  protected async update(
    properties: QuickSightProperties,
    before: QuickSightProperties | undefined,
    _change: Change<'quicksight-analysis'>,
  ): Promise<void> {
    const id = properties.id;
    await this.assertUpdatable(id, this.arn(id));
    if (bodyChanged(before, properties) || before?.name !== properties.name) {
      const request = requestOf<UpdateAnalysisRequest>(this.accountId, properties.body, {
        AnalysisId: id,
        Name: properties.name,
        ValidationStrategy: VALIDATION_STRATEGY,
      });
      await this.call(
        new UpdateAnalysisCommand(withRequestTimestamps(UpdateAnalysisRequest$, request)),
        `update ${this.subject(id)}`,
        true,
      );
      await this.#settle(properties, 'update');
    }
    await this.syncPermissions(id, properties.permissions);
  }

  /** Waits for QuickSight to finish; on failure throws with every error of DescribeAnalysisDefinition. */
  async #settle(properties: QuickSightProperties, action: 'create' | 'update'): Promise<void> {
    const id = properties.id;
    const state = await this.waitWhileInProgress(id, async () => {
      const answer = await this.call(
        new DescribeAnalysisCommand({ AwsAccountId: this.accountId, AnalysisId: id }),
        `read the status of ${this.subject(id)}`,
      );
      return answer.Analysis?.Status ?? 'UNKNOWN';
    });
    if (state.endsWith('_SUCCESSFUL')) return;
    const answer = await this.call(
      new DescribeAnalysisDefinitionCommand({ AwsAccountId: this.accountId, AnalysisId: id }),
      `read the errors of ${this.subject(id)}`,
    );
    const lines = definitionErrorLines(answer.Errors ?? [], properties.body.Definition ?? answer.Definition);
    throw settleFailure(`Could not ${action} ${this.subject(id)}: it`, state, lines);
  }
}
