/**
 * Settings in config/org.yaml that the workflows read: `github.autoMergeAccounts` and
 * `report: {recipients, from, dashboardUrl}`. Read defensively so the actions work before and
 * after the loader types them; an action input always wins over the file.
 */
import type { OrgConfig } from '../model/config.js';

interface WorkflowSettings {
  github?: { autoMergeAccounts?: unknown };
  report?: { recipients?: unknown; from?: unknown; dashboardUrl?: unknown };
}

function settings(org: OrgConfig): WorkflowSettings {
  return org as OrgConfig & WorkflowSettings;
}

/** config/org.yaml `github.autoMergeAccounts`; false when absent. */
export function autoMergeAccounts(org: OrgConfig): boolean {
  return settings(org).github?.autoMergeAccounts === true;
}

export interface ReportSettings {
  recipients: string[];
  from?: string;
  dashboardUrl?: string;
}

/** config/org.yaml `report`; empty when absent. */
export function reportSettings(org: OrgConfig): ReportSettings {
  const r = settings(org).report ?? {};
  const recipients = Array.isArray(r.recipients) ? r.recipients.filter((x): x is string => typeof x === 'string') : [];
  return {
    recipients,
    ...(typeof r.from === 'string' && r.from ? { from: r.from } : {}),
    ...(typeof r.dashboardUrl === 'string' && r.dashboardUrl ? { dashboardUrl: r.dashboardUrl } : {}),
  };
}

/** A list input: comma-, semicolon- or newline-separated, blanks dropped. */
export function listInput(raw: string): string[] {
  return raw
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
