/**
 * Settings in config/org.yaml that the workflows read: `github.autoMergeAccounts` and
 * `report: {recipients, from, dashboardUrl}`; an action input always wins over the file.
 */
import type { OrgConfig } from '../model/config.js';

/** config/org.yaml `github.autoMergeAccounts`; false when absent. */
export function autoMergeAccounts(org: OrgConfig): boolean {
  return org.github.autoMergeAccounts;
}

export interface ReportSettings {
  recipients: string[];
  from?: string;
  dashboardUrl?: string;
}

/** config/org.yaml `report`; empty when absent. */
export function reportSettings(org: OrgConfig): ReportSettings {
  return { ...org.report, recipients: [...org.report.recipients] };
}

/** A list input: comma-, semicolon- or newline-separated, blanks dropped. */
export function listInput(raw: string): string[] {
  return raw
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
