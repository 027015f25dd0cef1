/**
 * The shipped dashboard's drill-down in a real headless browser (Debian's chromium driven by
 * playwright-core; nothing is downloaded): on a generated organization deployed on the local
 * target, a click on an account of the Accounts sheet's table, or on a rule of the Rules sheet's
 * table, opens the Resources sheet showing that account's (that rule's) failing evaluations only:
 * as many as the `evaluations` view counts NON_COMPLIANT for it, queried apart from the page.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIsoDate } from '../../src/model/dates.js';
import { dashboardPagePath } from '../../src/providers/local/quicksight.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { type DashboardWorkspace, dashboardWorkspace } from './dashboard-workspace.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (skip)
  console.warn(
    `SKIPPED test/quicksight/drill-down-browser.test.ts: ${CHROMIUM} is missing (install it with: apt-get install -y chromium); in CI (CI=true) this test runs and fails instead`,
  );

// The views use current_date, so the data ends today.
const TODAY = toIsoDate(new Date());

describe.skipIf(skip)('the shipped dashboard: drill-down to the failing resources, in chromium', () => {
  let w: DashboardWorkspace;
  let browser: Browser;
  let page: Page;
  let byAccount: Map<string, number>;
  let byRule: Map<string, number>;
  let total: number;
  const errors: string[] = [];

  beforeAll(async () => {
    w = await dashboardWorkspace({ today: TODAY, accounts: 10, ous: 4, seed: 23, days: 5 });
    const session = await createLocalTarget(w.repo.org, w.localDir, { today: TODAY }).openQuerySession();
    try {
      const rows = await session.query(
        `SELECT account_id, rule, count(*) AS n FROM ${w.repo.org.glue.database}.evaluations
         WHERE compliance_type = 'NON_COMPLIANT' AND category IS NOT NULL GROUP BY account_id, rule`,
        'failing evaluations per account and rule',
      );
      byAccount = new Map();
      byRule = new Map();
      total = 0;
      for (const r of rows) {
        const n = Number(r.n);
        byAccount.set(String(r.account_id), (byAccount.get(String(r.account_id)) ?? 0) + n);
        byRule.set(String(r.rule), (byRule.get(String(r.rule)) ?? 0) + n);
        total += n;
      }
    } finally {
      await session.close();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(dashboardPagePath(w.localDir, 'org-compliance')).href);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  const shownCount = async () =>
    Number(
      ((await page.locator('[data-visual-id="failing-resources-count"] .visual-body').textContent()) ?? '')
        .trim()
        .replaceAll(',', ''),
    );
  const resourcesVisible = () => page.locator('[data-visual-id="failing-resources-table"]').isVisible();

  it('before any click the Resources sheet counts every failing evaluation', async () => {
    expect(total).toBeGreaterThan(0);
    expect(await shownCount()).toBe(total);
    expect(await resourcesVisible()).toBe(false);
  });

  it('a click on the account with the most failures opens Resources with its failures only', async () => {
    const [account, n] = [...byAccount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] as [
      string,
      number,
    ];
    await page.locator(`[data-visual-id="accounts-by-score"] td[data-value="${account}"]`).click();
    expect(await resourcesVisible()).toBe(true);
    expect(await shownCount()).toBe(n);
    expect(n).toBeLessThan(total);
    const accounts = await page
      .locator(
        '[data-visual-id="failing-resources-table"] td[data-field-id="failing-resources-table.account_id"]',
      )
      .evaluateAll((tds) => [
        ...new Set(tds.filter((td) => td.checkVisibility()).map((td) => td.getAttribute('data-value'))),
      ]);
    expect(accounts).toEqual([account]);
  });

  it('a click on a rule opens Resources with that rule in every account (the account drill is cleared)', async () => {
    const [rule, n] = [...byRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] as [
      string,
      number,
    ];
    await page.locator('label[data-sheet-tab="rules"]').click();
    await page.locator(`[data-visual-id="rules-table"] td[data-value="${rule}"]`).first().click();
    expect(await resourcesVisible()).toBe(true);
    expect(await shownCount()).toBe(n);
    expect(errors).toEqual([]);
  });
});
