/**
 * `export-quicksight --analysis ID`: an analysis edited in the console, pulled back into
 * quicksight/analyses/<id>.json in the repository's form: DescribeAnalysisDefinition's answer,
 * normalised (normalize.ts), with placeholders where it names this account (placeholderize), as
 * stable JSON. Resolving the file's placeholders and normalising gives what read() reports for the
 * analysis, so a plan right after an export shows no change.
 */

import { DescribeAnalysisDefinitionCommand } from '@aws-sdk/client-quicksight';
import { QUICKSIGHT_DIRS } from '../model/quicksight.js';
import type { AwsClients } from '../providers/aws/clients.js';
import type { AwsSend } from '../providers/aws/retry.js';
import {
  analysisBody,
  normalizeBody,
  type PlaceholderContext,
  placeholderize,
  stableJson,
} from './normalize.js';

export interface ExportAnalysisOptions {
  clients: AwsClients;
  send: AwsSend;
  accountId: string;
  region: string;
  analysisId: string;
  /** What to turn back into placeholders: this account, region, workgroup and database. */
  ctx: PlaceholderContext;
}

export interface ExportedFile {
  /** Repository-relative path: `quicksight/analyses/<id>.json`. */
  file: string;
  text: string;
}

/** Analysis ids the QuickSight API accepts, and so safe as a file name. */
export const ANALYSIS_ID_PATTERN = /^[\w-]{1,512}$/;

export async function exportAnalysis(options: ExportAnalysisOptions): Promise<ExportedFile> {
  const { analysisId, region } = options;
  if (!ANALYSIS_ID_PATTERN.test(analysisId)) {
    throw new Error(
      `--analysis must be a QuickSight analysis id (letters, digits, _ and -, at most 512), got '${analysisId}'`,
    );
  }
  const answer = await options.send(
    options.clients.quicksight(region),
    new DescribeAnalysisDefinitionCommand({ AwsAccountId: options.accountId, AnalysisId: analysisId }),
    { what: `read the definition of QuickSight analysis ${analysisId}`, region },
  );
  if (answer.Definition === undefined) {
    throw new Error(
      `QuickSight analysis ${analysisId} (${region}) has no definition to export` +
        (answer.ResourceStatus ? ` (status ${answer.ResourceStatus})` : ''),
    );
  }
  const body = normalizeBody('quicksight-analysis', analysisBody(answer));
  return {
    file: `quicksight/${QUICKSIGHT_DIRS['quicksight-analysis']}/${analysisId}.json`,
    text: stableJson(placeholderize(body, options.ctx)),
  };
}
