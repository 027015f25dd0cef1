/**
 * Analyses as the local target has them, for `export-quicksight --target local`: the resolved,
 * normalised bodies apply keeps in state.json under `quicksight['quicksight-analysis']`. Everything
 * there was applied successfully, so each one is CREATION_SUCCESSFUL. Read-only.
 */

import type { OrgConfig } from '../../model/config.js';
import { compareText } from '../../model/values.js';
import type { AnalysisSource } from '../../quicksight/analysis-export.js';
import { LOCAL_ACCOUNT_ID } from './quicksight.js';
import type { LocalStore } from './store.js';

export function localAnalysisSource(store: LocalStore, org: OrgConfig): AnalysisSource {
  const region = org.quicksight.region;
  const prefix = `quicksight-analysis/${region}/`;
  const analyses = async () => (await store.load()).quicksight['quicksight-analysis'] ?? {};
  return {
    where: `the local target's state (${store.statePath})`,
    accountId: org.quicksight.accountId ?? LOCAL_ACCOUNT_ID,
    region,
    async describe(analysisId) {
      const stored = (await analyses())[`${prefix}${analysisId}`];
      if (stored === undefined) return undefined;
      return { analysisId, status: 'CREATION_SUCCESSFUL', body: stored.body, errors: [] };
    },
    async list() {
      return Object.keys(await analyses())
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length))
        .sort(compareText);
    },
  };
}
