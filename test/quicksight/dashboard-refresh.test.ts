/**
 * The local target draws its dashboard page again when the data the page shows changes, not only
 * when the dashboard definition does: an exception added to config/exceptions.yaml and applied
 * changes the page's organization score to the report's new one; an apply or a refresh with the
 * same data leaves the page as it is.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession } from '../../src/model/provider.js';
import { runReport } from '../../src/pipeline/report.js';
import { dashboardPagePath, refreshDashboardPages } from '../../src/providers/local/quicksight.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { pageFingerprint } from '../../src/quicksight/render/index.js';
import { percent } from '../../src/report/compliance.js';
import { editFile } from '../helpers/repo.js';
import { type DashboardWorkspace, dashboardWorkspace } from './dashboard-workspace.js';

const TODAY = toIsoDate(new Date());

/** The text and raw value of a KPI on the page. */
function kpi(html: string, visualId: string): { text: string; value: string } {
  const at = html.indexOf(`data-visual-id="${visualId}"`);
  const m = /<div class="kpi-value" data-value="([^"]*)">([^<]*)<\/div>/.exec(html.slice(at));
  if (at < 0 || !m) throw new Error(`no KPI ${visualId} on the page`);
  return { value: m[1] as string, text: m[2] as string };
}

async function totals(w: DashboardWorkspace): Promise<{ score: number | null; nonCompliant: number }> {
  const target = createLocalTarget(w.repo.org, w.localDir, { today: TODAY });
  const session: QuerySession = await target.openQuerySession();
  try {
    const { report } = await runReport(w.repo, (sql, what) => session.query(sql, what), TODAY);
    return report.totals;
  } finally {
    await session.close();
  }
}

describe('the local dashboard page follows the data', () => {
  let w: DashboardWorkspace;
  let page: string;

  beforeAll(async () => {
    w = await dashboardWorkspace({ today: TODAY, accounts: 12, ous: 5, seed: 17, days: 6 });
    page = dashboardPagePath(w.localDir, 'org-compliance');
  }, 240_000);

  it('an exception added and applied changes the numbers on the page', async () => {
    const before = await readFile(page, 'utf8');
    const was = await totals(w);
    expect(kpi(before, 'organization-score').text).toBe(percent(was.score));
    expect(kpi(before, 'organization-non-compliant').text).toBe(was.nonCompliant.toLocaleString('en-US'));

    // Every rule in the account with the most non-compliant evaluations is excepted.
    const target = createLocalTarget(w.repo.org, w.localDir, { today: TODAY });
    const session = await target.openQuerySession();
    const [worst] = await session.query(
      `SELECT account_id, sum(non_compliant) AS n FROM "${w.repo.org.glue.database}"."account_summary" GROUP BY account_id ORDER BY n DESC, account_id LIMIT 1`,
      'worst account',
    );
    await session.close();
    await editFile(
      join(w.root, 'config/exceptions.yaml'),
      (text) =>
        `${text.trimEnd()}\n  - id: dashboard-refresh-test\n    rules: ['*']\n    accounts: ['${String(worst?.account_id)}']\n    reason: The page must show the numbers without this account's findings.\n    owner: team-platform\n    expires: '2099-01-01'\n`,
    );
    const result = await w.applyAgain();
    // Only reference data changed: the dashboard definition did not.
    expect(result.results.some((r) => r.change.kind === 'quicksight-dashboard')).toBe(false);
    const after = await readFile(page, 'utf8');
    const now = await totals(w);
    expect(now.nonCompliant).toBe(was.nonCompliant - Number(worst?.n));
    expect(Number(worst?.n)).toBeGreaterThan(0);
    expect(kpi(after, 'organization-non-compliant').text).toBe(now.nonCompliant.toLocaleString('en-US'));
    expect(kpi(after, 'organization-score').text).toBe(percent(now.score));
    expect(kpi(after, 'organization-score').text).not.toBe(kpi(before, 'organization-score').text);
    expect(pageFingerprint(after)).not.toBe(pageFingerprint(before));
  }, 240_000);

  it('a compaction that writes a day draws a missing page again', async () => {
    // Today's compacted day is removed (its files record too): the next compaction writes it again.
    const files = (await readdir(join(w.localDir, 's3'), { recursive: true })).filter((f) =>
      f.endsWith(join('compacted', 'files', `dt=${TODAY}`, 'part-0.parquet')),
    );
    expect(files.length).toBe(1);
    await rm(join(w.localDir, 's3', files[0] as string));
    const before = await readFile(page, 'utf8');
    await rm(page);
    const target = createLocalTarget(w.repo.org, w.localDir, { today: TODAY });
    const result = await target.compact();
    expect(result.written.map((d) => d.day)).toEqual([TODAY]);
    const after = await readFile(page, 'utf8');
    expect(pageFingerprint(after)).toBe(pageFingerprint(before));
  }, 240_000);

  it('the same data draws nothing again', async () => {
    const was = await stat(page);
    const fingerprint = pageFingerprint(await readFile(page, 'utf8'));
    expect(fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const target = createLocalTarget(w.repo.org, w.localDir, { today: TODAY });
    const drawn = await refreshDashboardPages({
      store: target.store,
      today: TODAY,
      openSession: () => target.openQuerySession(),
    });
    expect(drawn).toEqual([]);
    const result = await w.applyAgain();
    expect(result.results).toEqual([]);
    expect((await stat(page)).mtimeMs).toBe(was.mtimeMs);
  }, 240_000);
});
