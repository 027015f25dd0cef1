/**
 * The plan's impact on today's data: which of its changes move evaluations in or out of the score,
 * then — only when one needs data — the one bounded impact query through the target's query
 * session (Athena with the plan's read role, or DuckDB on the local target). The plan never fails
 * for it: a query that cannot run leaves the impact skipped, saying why.
 */
import type { Repository } from '../model/config.js';
import { errorMessage } from '../model/errors.js';
import type { PlanImpact } from '../model/impact.js';
import type { Notice, Plan } from '../model/plan.js';
import type { ProgressReporter, Target } from '../model/provider.js';
import {
  interpretImpact,
  ruleReaches,
  skippedImpact,
  unmatchedExceptions,
  unmatchedNotices,
} from '../plan/impact.js';
import { hasImpactChanges, impactChanges, needsData } from '../plan/impact-changes.js';
import { ATHENA_QUERY_MAX_BYTES, impactSql } from '../plan/impact-sql.js';

/** The deployed views the impact query reads. */
const VIEWS_READ = ['daily_evaluations', 'exceptions', 'accounts', 'catalog_rules'];

export async function planImpact(
  repo: Repository,
  plan: Plan,
  target: Pick<Target, 'openQuerySession'>,
  progress: ProgressReporter = () => {},
): Promise<{ impact?: PlanImpact; notices: Notice[] }> {
  const changes = impactChanges(plan, repo);
  if (!hasImpactChanges(changes)) return { notices: [] };
  if (!needsData(changes)) {
    return {
      impact: { status: 'computed', changes, subjects: [], ...ruleReaches(changes, repo) },
      notices: [],
    };
  }
  const missing = plan.changes.find(
    (c) => c.kind === 'athena-view' && c.action === 'create' && VIEWS_READ.includes(c.after?.name ?? ''),
  );
  if (missing) {
    const reason = `the views are not deployed yet (view ${missing.name} is created by this plan): there is no data to measure the change against until after the first apply`;
    // Before the first apply every rule is new: listing where each will run says nothing more.
    return {
      impact: { status: 'skipped', reason, changes, subjects: [], newRules: [], returning: [] },
      notices: [],
    };
  }
  const sql = impactSql(repo, changes);
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > ATHENA_QUERY_MAX_BYTES) {
    const reason = `the impact query would be ${bytes} bytes, over Athena's limit of ${ATHENA_QUERY_MAX_BYTES} (the new and changed exceptions of config/exceptions.yaml are inlined into it)`;
    return { impact: skippedImpact(changes, repo, reason), notices: [skipNotice(reason)] };
  }
  progress(`Measuring the change on today's data (one query, ${bytes} bytes)`);
  let rows: Record<string, unknown>[];
  try {
    const session = await target.openQuerySession();
    try {
      rows = await session.query(sql, 'plan impact');
    } finally {
      await session.close();
    }
  } catch (e) {
    const reason = `the impact query failed: ${errorMessage(e).split('\n')[0] ?? ''}`;
    return { impact: skippedImpact(changes, repo, reason), notices: [skipNotice(reason)] };
  }
  return {
    impact: interpretImpact(rows, changes, repo),
    notices: unmatchedNotices(unmatchedExceptions(rows, changes)),
  };
}

function skipNotice(reason: string): Notice {
  return { level: 'warning', subject: 'impact', message: `No impact on today's data is shown: ${reason}` };
}
