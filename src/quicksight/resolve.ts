/**
 * The files of quicksight/ made into the resources they deploy as, for one account and region:
 * placeholders replaced (`${aws:accountId}`, `${aws:region}`, `${athena:workgroup}`,
 * `${glue:database}`, and the ARNs of `${dataSource:<id>}` / `${dataSet:<id>}`), a dashboard's
 * `"${analysis:<id>}"` replaced by that analysis's Definition (less what a dashboard cannot
 * take), and every body normalised the way providers normalise what AWS returns. A placeholder
 * left unresolved is a ConfigurationError naming the file, line and field. Pure: no I/O.
 */

import type { OrgConfig } from '../model/config.js';
import { ConfigurationError, type Diagnostic } from '../model/diagnostics.js';
import { partitionOf } from '../model/partition.js';
import {
  QUICKSIGHT_KINDS,
  type QuickSightKind,
  type QuickSightProperties,
  type QuickSightSource,
} from '../model/quicksight.js';
import { isRecord } from '../model/values.js';
import { diagnosticAt } from './files.js';
import { normalizeBody } from './normalize.js';
import { DASHBOARD_DEFINITION, memberNames, type PathPart } from './schema.js';
import { PLACEHOLDER } from './validate.js';

export interface ResolvedQuickSight {
  kind: QuickSightKind;
  /** `<kind>/<region>/<id>`; refresh schedules `<kind>/<region>/<DataSetId>/<ScheduleId>`. */
  key: string;
  region: string;
  properties: QuickSightProperties;
}

export function quickSightResourceArn(
  region: string,
  accountId: string,
  type: 'datasource' | 'dataset' | 'analysis' | 'dashboard',
  id: string,
): string {
  return `arn:${partitionOf(region)}:quicksight:${region}:${accountId}:${type}/${id}`;
}

const ARN_TYPES: Record<string, { kind: QuickSightKind; type: 'datasource' | 'dataset' }> = {
  dataSource: { kind: 'quicksight-data-source', type: 'datasource' },
  dataSet: { kind: 'quicksight-data-set', type: 'dataset' },
};

/**
 * The resources of quicksight/ for `accountId` and `region`, in dependency order (data sources,
 * data sets, refresh schedules, analyses, dashboards), each kind by key. Permissions are left
 * empty here. Throws ConfigurationError when a placeholder cannot be resolved.
 */
export function resolveQuickSight(
  sources: QuickSightSource[],
  org: OrgConfig,
  accountId: string,
  region: string,
): ResolvedQuickSight[] {
  const problems: Diagnostic[] = [];
  const ids = new Map<QuickSightKind, Set<string>>(QUICKSIGHT_KINDS.map((k) => [k, new Set<string>()]));
  for (const s of sources) ids.get(s.kind)?.add(s.id);
  const fixed: Record<string, string> = {
    'aws:accountId': accountId,
    'aws:region': region,
    'athena:workgroup': org.athena.workgroup,
    'glue:database': org.glue.database,
  };

  const resolveValue = (s: QuickSightSource, value: unknown, path: PathPart[]): unknown => {
    if (typeof value === 'string') return resolveString(s, value, path);
    if (Array.isArray(value)) return value.map((v, i) => resolveValue(s, v, [...path, i]));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value))
        if (v !== undefined) out[k] = resolveValue(s, v, [...path, k]);
      return out;
    }
    return value;
  };

  const resolveString = (s: QuickSightSource, text: string, path: PathPart[]): string =>
    text.replace(PLACEHOLDER, (whole, inner: string) => {
      const name = inner.trim();
      const value = fixed[name];
      if (value !== undefined) return value;
      const colon = name.indexOf(':');
      const ref = ARN_TYPES[name.slice(0, colon)];
      const id = name.slice(colon + 1);
      if (colon > 0 && ref && ids.get(ref.kind)?.has(id))
        return quickSightResourceArn(region, accountId, ref.type, id);
      problems.push(diagnosticAt(s, path, `placeholder ${whole} cannot be resolved`));
      return whole;
    });

  const analyses = new Map(
    sources.filter((s) => s.kind === 'quicksight-analysis').map((s) => [s.id, s] as const),
  );
  const dashboardMembers = new Set(memberNames(DASHBOARD_DEFINITION));

  const out: ResolvedQuickSight[] = [];
  for (const s of sources) {
    const fromAnalysis = s.kind === 'quicksight-dashboard' && typeof s.json.Definition === 'string';
    const own = fromAnalysis
      ? Object.fromEntries(Object.entries(s.json).filter(([k]) => k !== 'Definition'))
      : s.json;
    let body = resolveValue(s, own, []) as Record<string, unknown>;
    if (fromAnalysis && typeof s.json.Definition === 'string') {
      const m = /^\$\{analysis:([^{}]+)\}$/.exec(s.json.Definition.trim());
      const analysis = m ? analyses.get((m[1] as string).trim()) : undefined;
      if (!analysis || !isRecord(analysis.json.Definition)) {
        problems.push(
          diagnosticAt(
            s,
            ['Definition'],
            `Definition ${s.json.Definition} names no analysis with a Definition`,
          ),
        );
        continue;
      }
      const definition = resolveValue(analysis, analysis.json.Definition, ['Definition']) as Record<
        string,
        unknown
      >;
      body = {
        ...body,
        Definition: Object.fromEntries(Object.entries(definition).filter(([k]) => dashboardMembers.has(k))),
      };
    }
    const key =
      s.kind === 'quicksight-refresh-schedule'
        ? `${s.kind}/${region}/${String(s.json.DataSetId)}/${s.id}`
        : `${s.kind}/${region}/${s.id}`;
    const name = typeof s.json.Name === 'string' ? s.json.Name : s.id;
    out.push({
      kind: s.kind,
      key,
      region,
      properties: { id: s.id, name, body: normalizeBody(s.kind, body), permissions: [] },
    });
  }
  if (problems.length) throw new ConfigurationError(problems);
  const order = (k: QuickSightKind) => QUICKSIGHT_KINDS.indexOf(k);
  return out.sort((a, b) => order(a.kind) - order(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
