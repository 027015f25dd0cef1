/**
 * Analyses as QuickSight has them, for `export-quicksight` on the aws target:
 * DescribeAnalysisDefinition for one analysis (a missing one is `undefined`, not an error) and
 * ListAnalyses for the ids there, to name them when the one asked for does not exist. Read-only.
 */

import { DescribeAnalysisDefinitionCommand, ListAnalysesCommand } from '@aws-sdk/client-quicksight';
import { compareText } from '../../../model/values.js';
import type { AnalysisSource, SourceAnalysis } from '../../../quicksight/analysis-export.js';
import { analysisBody } from '../../../quicksight/normalize.js';
import type { AwsClients } from '../clients.js';
import { allPages, nextToken } from '../paging.js';
import { type AwsSend, errorName } from '../retry.js';
import { QUICKSIGHT_PAGE_SIZE } from './common.js';
import { definitionErrorLines } from './definition-errors.js';

export interface AwsAnalysisSourceOptions {
  clients: AwsClients;
  send: AwsSend;
  /** The account QuickSight runs in. */
  accountId: string;
  /** The QuickSight region. */
  region: string;
}

export function awsAnalysisSource(options: AwsAnalysisSourceOptions): AnalysisSource {
  const { clients, send, accountId, region } = options;
  const client = () => clients.quicksight(region);
  return {
    where: `account ${accountId} (${region})`,
    accountId,
    region,
    async describe(analysisId: string): Promise<SourceAnalysis | undefined> {
      let answer: Awaited<ReturnType<typeof describeDefinition>>;
      try {
        answer = await describeDefinition(analysisId);
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return undefined;
        throw error;
      }
      return {
        analysisId,
        status: answer.ResourceStatus ?? 'UNKNOWN',
        body: analysisBody(answer),
        errors: definitionErrorLines(answer.Errors ?? [], answer.Definition),
      };
    },
    async list(): Promise<string[]> {
      const pages = await allPages((token) =>
        send(
          client(),
          new ListAnalysesCommand({
            AwsAccountId: accountId,
            MaxResults: QUICKSIGHT_PAGE_SIZE,
            ...nextToken(token),
          }),
          { what: 'list QuickSight analyses', region },
        ),
      );
      return pages
        .flatMap((page) => page.AnalysisSummaryList ?? [])
        .filter((summary) => summary.Status !== 'DELETED' && summary.AnalysisId !== undefined)
        .map((summary) => summary.AnalysisId as string)
        .sort(compareText);
    },
  };

  function describeDefinition(analysisId: string) {
    return send(
      client(),
      new DescribeAnalysisDefinitionCommand({ AwsAccountId: accountId, AnalysisId: analysisId }),
      { what: `read the definition of QuickSight analysis ${analysisId}`, region },
    );
  }
}
