/**
 * The locally rendered dashboard in a real headless browser (Debian's chromium driven by
 * playwright-core; nothing is downloaded): the page built from quicksight/ over a generated
 * organization deployed on the local target loads with no console errors and no requests,
 * shows every visual of the definition, and its account ranking shows the report's numbers.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { apply } from '../../src/apply/apply.js';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { loadRepository } from '../../src/load/index.js';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession } from '../../src/model/provider.js';
import { QUICKSIGHT_DIRS, type QuickSightKind, type QuickSightSource } from '../../src/model/quicksight.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { runReport } from '../../src/pipeline/report.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import {
  type QuickSightDefinition,
  renderLocalDashboard,
  SUPPORTED_VISUALS,
} from '../../src/quicksight/render/index.js';
import type { ComplianceReport } from '../../src/report/compliance.js';
import { REPO_ROOT } from '../helpers/repo.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const present = existsSync(CHROMIUM);
const skip = !present && process.env.CI !== 'true';
if (skip)
  console.warn(
    `SKIPPED test/quicksight/browser.test.ts: ${CHROMIUM} is missing (install it with: apt-get install -y chromium); in CI (CI=true) this test runs and fails instead`,
  );

// The views use current_date, so the data ends today.
const TODAY = toIsoDate(new Date());
const TOP = 10;

type Json = Record<string, unknown>;

const ID_MEMBER: Partial<Record<QuickSightKind, string>> = {
  'quicksight-data-set': 'DataSetId',
  'quicksight-analysis': 'AnalysisId',
  'quicksight-dashboard': 'DashboardId',
};

/** The files of quicksight/ the page needs (data sets, analyses, dashboards), as the loader gives them. */
async function quickSightSources(): Promise<QuickSightSource[]> {
  const out: QuickSightSource[] = [];
  for (const [kind, member] of Object.entries(ID_MEMBER) as [QuickSightKind, string][]) {
    const dir = join('quicksight', QUICKSIGHT_DIRS[kind]);
    for (const f of (await readdir(join(REPO_ROOT, dir))).filter((x) => x.endsWith('.json')).sort()) {
      const text = await readFile(join(REPO_ROOT, dir, f), 'utf8');
      const json = JSON.parse(text) as Json;
      out.push({ kind, file: `${dir}/${f}`, text, json, id: String(json[member]) });
    }
  }
  return out;
}

type AnyVisual = { VisualId?: string; ChartConfiguration?: Json };

function visualsOf(
  def: QuickSightDefinition,
): { sheetId: string; visualId: string; type: string; body: AnyVisual }[] {
  return (def.Sheets ?? []).flatMap((s) =>
    (s.Visuals ?? []).map((v) => {
      const [type, body] = Object.entries(v).find(([, x]) => x && typeof x === 'object') as [
        string,
        AnyVisual,
      ];
      return { sheetId: s.SheetId ?? '', visualId: body.VisualId ?? '', type, body };
    }),
  );
}

/** The account ranking: a table over account_id and score whose first sort is the score, ascending. */
function rankingTable(def: QuickSightDefinition): { visualId: string; fields: Map<string, string> } {
  for (const v of visualsOf(def)) {
    if (v.type !== 'TableVisual') continue;
    const wells = v.body.ChartConfiguration?.FieldWells as Json | undefined;
    const list = [
      ...(((wells?.TableUnaggregatedFieldWells as Json | undefined)?.Values as Json[] | undefined) ?? []),
      ...(((wells?.TableAggregatedFieldWells as Json | undefined)?.GroupBy as Json[] | undefined) ?? []).map(
        (d) => Object.values(d)[0] as Json,
      ),
      ...(((wells?.TableAggregatedFieldWells as Json | undefined)?.Values as Json[] | undefined) ?? []).map(
        (d) => Object.values(d)[0] as Json,
      ),
    ];
    const fields = new Map(list.map((f) => [String((f.Column as Json).ColumnName), String(f.FieldId)]));
    const sort = (v.body.ChartConfiguration?.SortConfiguration as Json | undefined)?.RowSort as
      | Json[]
      | undefined;
    const first = sort?.[0]?.FieldSort as Json | undefined;
    if (
      fields.has('account_id') &&
      fields.has('score') &&
      first?.FieldId === fields.get('score') &&
      first?.Direction === 'ASC'
    )
      return { visualId: v.visualId, fields };
  }
  throw new Error(
    'no account ranking table (account_id and score, sorted by score ascending) in the definition',
  );
}

describe.skipIf(skip)('the rendered dashboard in headless chromium', () => {
  let session: QuerySession | undefined;
  let browser: Browser | undefined;
  let outDir: string;
  let htmlPath: string;
  let definition: QuickSightDefinition;
  let report: ComplianceReport;

  beforeAll(async () => {
    if (!present)
      throw new Error(
        `${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`,
      );
    const base = await mkdtemp(join(tmpdir(), 'org-compliance-dashboard-'));
    const localDir = join(base, 'local');
    const root = join(base, 'repo');
    outDir = process.env.QS_RENDER_OUT ?? join(base, 'out');
    await mkdir(localDir, { recursive: true });
    await mkdir(outDir, { recursive: true });
    const organization = syntheticOrganization({
      organizationId: 'o-a1b2c3d4e5',
      accounts: 14,
      ous: 6,
      seed: 41,
      until: TODAY,
    });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
    await prepareDemoWorkspace({
      sourceRoot: REPO_ROOT,
      root,
      organization,
      notYetListed: [],
      regions: 2,
      today: TODAY,
    });
    // Owners are people's own field in accounts.yaml (the dashboard filters by them); the demo has none.
    const accountsPath = join(root, 'config/accounts.yaml');
    const accountsDoc = parseDocument(await readFile(accountsPath, 'utf8'));
    const OWNERS = ['team-platform', 'team-payments', 'team-data'];
    (accountsDoc.get('accounts') as YAMLSeq).items.forEach((item, i) => {
      (item as YAMLMap).set('owner', OWNERS[i % OWNERS.length]);
    });
    await writeFile(accountsPath, accountsDoc.toString({ lineWidth: 0 }));
    const loaded = await loadRepository(root, { today: TODAY });
    if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    const repo = loaded.repository;
    await writeSnapshots({
      org: repo.org,
      organization,
      rules: repo.rules,
      days: 14,
      until: TODAY,
      seed: 41,
      s3Dir: join(localDir, 's3'),
    });
    const target = createLocalTarget(repo.org, localDir, { today: TODAY });
    const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
    if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
    const s = await createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
    session = s;
    const query = (sql: string, what: string) => s.query(sql, what);
    // What `report --format json` prints.
    report = JSON.parse(JSON.stringify((await runReport(repo, query, TODAY)).report)) as ComplianceReport;
    const dashboard = await renderLocalDashboard({
      sources: await quickSightSources(),
      query,
      placeholders: { 'glue:database': repo.org.glue.database },
      generatedAt: TODAY,
    });
    definition = dashboard.definition;
    htmlPath = join(outDir, 'dashboard.html');
    await writeFile(htmlPath, dashboard.html);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await session?.close();
  });

  it('loads from disk with no console errors, page errors or requests, and shows every visual', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1500, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    // The page's data and its script, both inline.
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('script[src]').count()).toBe(0);

    const visuals = visualsOf(definition);
    expect(visuals.length).toBeGreaterThan(0);
    for (const v of visuals) {
      const box = page.locator(`[data-sheet-id="${v.sheetId}"] [data-visual-id="${v.visualId}"]`);
      expect(await box.count(), `${v.sheetId}/${v.visualId}`).toBe(1);
      expect(await box.getAttribute('data-visual-type')).toBe(v.type);
      const supported = (SUPPORTED_VISUALS as readonly string[]).includes(v.type);
      // Supported visuals are computed, not replaced by an error box.
      expect(
        {
          visual: v.visualId,
          rendered: await box.getAttribute('data-rendered'),
          text: supported ? '' : 'placeholder',
        },
        (await box.textContent()) ?? '',
      ).toEqual({ visual: v.visualId, rendered: String(supported), text: supported ? '' : 'placeholder' });
      if (['BarChartVisual', 'LineChartVisual', 'PieChartVisual', 'HeatMapVisual'].includes(v.type))
        expect(await box.locator('svg').count(), v.visualId).toBeGreaterThan(0);
    }
    // Every sheet is a tab; clicking one shows that sheet only.
    const sheets = definition.Sheets ?? [];
    for (const [i, s] of sheets.entries()) {
      await page.locator(`label[for="tab-${i}"]`).click();
      expect(await page.locator(`[data-sheet-id="${s.SheetId}"]`).isVisible()).toBe(true);
      for (const other of sheets.filter((o) => o !== s))
        expect(await page.locator(`[data-sheet-id="${other.SheetId}"]`).isVisible()).toBe(false);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the account ranking shows the same numbers as report --format json for the top accounts', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(pathToFileURL(htmlPath).href);
    const { visualId, fields } = rankingTable(definition);
    const rows = await page.$$eval(`[data-visual-id="${visualId}"] tbody tr:not(.total)`, (trs) =>
      trs.map((tr) =>
        Object.fromEntries(
          [...tr.querySelectorAll('td')].map((td) => [
            td.getAttribute('data-field-id'),
            td.textContent ?? '',
          ]),
        ),
      ),
    );
    expect(rows.length).toBe(report.accounts.length);
    expect(report.accounts.length).toBeGreaterThan(TOP);
    const cell = (row: Record<string, string>, column: string) => row[fields.get(column) as string];
    const percent = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
    const count = (n: number) => n.toLocaleString('en-US');
    for (let i = 0; i < TOP; i++) {
      const row = rows[i] as Record<string, string>;
      const want = report.accounts[i];
      // Same order of sort keys (ties may list accounts in another order)...
      expect([cell(row, 'score'), cell(row, 'non_compliant')]).toEqual([
        percent(want?.score ?? null),
        count(want?.nonCompliant ?? -1),
      ]);
      // ...and each account's own numbers are the report's.
      const same = report.accounts.find((a) => a.accountId === cell(row, 'account_id'));
      expect(same, `account ${cell(row, 'account_id')} in the report`).toBeDefined();
      if (!same) continue;
      const got: Record<string, string | undefined> = {
        score: cell(row, 'score'),
        non_compliant: cell(row, 'non_compliant'),
      };
      const expected: Record<string, string> = {
        score: percent(same.score),
        non_compliant: count(same.nonCompliant),
      };
      if (fields.has('compliant')) {
        got.compliant = cell(row, 'compliant');
        expected.compliant = count(same.compliant);
      }
      if (fields.has('excluded')) {
        got.excluded = cell(row, 'excluded');
        expected.excluded = count(same.excluded);
      }
      if (fields.has('account_name')) {
        got.name = cell(row, 'account_name');
        expected.name = same.name;
      }
      expect(got).toEqual(expected);
    }
    await page.close();
  });

  /** The filter of the Accounts sheet's control over a column, and its control on the page. */
  function accountsControl(column: string): string {
    const sheet = (definition.Sheets ?? []).find((s) => s.SheetId === 'accounts');
    for (const c of sheet?.FilterControls ?? []) {
      const id = (Object.values(c)[0] as { SourceFilterId?: string }).SourceFilterId;
      for (const g of definition.FilterGroups ?? [])
        for (const f of g.Filters ?? [])
          if (f.CategoryFilter?.FilterId === id && f.CategoryFilter?.Column?.ColumnName === column)
            return `.qs-control[data-filter-id="${id}"]`;
    }
    throw new Error(`no control over ${column} on the Accounts sheet`);
  }

  const kpiText = (page: Page, id: string) =>
    page.locator(`[data-visual-id="${id}"] .kpi-value`).textContent();

  async function rankingRows(page: Page, visualId: string): Promise<Record<string, string>[]> {
    return page.$$eval(`[data-visual-id="${visualId}"] tbody tr:not(.total)`, (trs) =>
      trs.map((tr) =>
        Object.fromEntries(
          [...tr.querySelectorAll('td')].map((td) => [
            td.getAttribute('data-field-id'),
            td.textContent ?? '',
          ]),
        ),
      ),
    );
  }

  it("picking OUs in the OU control changes the organization score, the non-compliant count and the account ranking to those OUs' numbers", async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1500, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(htmlPath).href);
    const percent = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
    const count = (n: number) => n.toLocaleString('en-US');
    expect(await kpiText(page, 'organization-score')).toBe(percent(report.totals.score));
    // The two OUs with the most accounts, from the accounts reference data (not the page's data sets).
    const byOu = new Map<string, string[]>();
    for (const r of await (session as QuerySession).query(
      'SELECT account_id, ou FROM "org_compliance"."accounts"',
      'OU of each account',
    ))
      byOu.set(String(r.ou), [...(byOu.get(String(r.ou)) ?? []), String(r.account_id)]);
    const ous = [...byOu.entries()]
      .filter(([ou]) => report.accounts.some((a) => byOu.get(ou)?.includes(a.accountId)))
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
      .slice(0, 2)
      .map(([ou]) => ou);
    expect(ous.length).toBe(2);
    const control = page.locator(accountsControl('ou'));
    const { visualId, fields } = rankingTable(definition);
    await control.locator('summary').click();
    for (let n = 1; n <= 2; n++) {
      await control.locator(`input[value="${ous[n - 1]}"]`).check();
      const picked = new Set(ous.slice(0, n).flatMap((ou) => byOu.get(ou) ?? []));
      const accounts = report.accounts.filter((a) => picked.has(a.accountId));
      const compliant = accounts.reduce((x, a) => x + a.compliant, 0);
      const nonCompliant = accounts.reduce((x, a) => x + a.nonCompliant, 0);
      expect(nonCompliant).toBeLessThan(report.totals.nonCompliant);
      expect([
        await kpiText(page, 'organization-score'),
        await kpiText(page, 'organization-non-compliant'),
      ]).toEqual([
        percent(compliant + nonCompliant ? compliant / (compliant + nonCompliant) : null),
        count(nonCompliant),
      ]);
      const rows = await rankingRows(page, visualId);
      const cell = (row: Record<string, string>, column: string) => row[fields.get(column) as string];
      expect(rows.map((r) => cell(r, 'account_id')).sort()).toEqual(accounts.map((a) => a.accountId).sort());
      for (const r of rows) {
        const a = accounts.find((x) => x.accountId === cell(r, 'account_id'));
        expect([cell(r, 'score'), cell(r, 'non_compliant')]).toEqual([
          percent(a?.score ?? null),
          count(a?.nonCompliant ?? -1),
        ]);
      }
    }
    // Nothing picked: the page's own numbers again.
    for (const ou of ous) await control.locator(`input[value="${ou}"]`).uncheck();
    expect(await kpiText(page, 'organization-score')).toBe(percent(report.totals.score));
    expect((await rankingRows(page, visualId)).length).toBe(report.accounts.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("picking a category gives the organization KPIs that category's numbers; the account ranking (no category column) stays", async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(pathToFileURL(htmlPath).href);
    const security = report.categories.find((c) => c.category === 'security');
    expect(security?.nonCompliant).toBeGreaterThan(0);
    const control = page.locator(accountsControl('category'));
    await control.locator('summary').click();
    await control.locator('input[value="security"]').check();
    expect([
      await kpiText(page, 'organization-score'),
      await kpiText(page, 'organization-non-compliant'),
    ]).toEqual([
      `${((security?.score ?? 0) * 100).toFixed(1)}%`,
      (security?.nonCompliant ?? 0).toLocaleString('en-US'),
    ]);
    expect((await rankingRows(page, rankingTable(definition).visualId)).length).toBe(report.accounts.length);
    await page.close();
  });

  it("without JavaScript the page shows the organization's numbers and inert controls", async () => {
    const context = await (browser as Browser).newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(htmlPath).href);
    expect(await kpiText(page, 'organization-score')).toBe(
      `${((report.totals.score ?? 0) * 100).toFixed(1)}%`,
    );
    expect(
      await page
        .locator(`${accountsControl('ou')} input`)
        .first()
        .isDisabled(),
    ).toBe(true);
    await context.close();
  });

  it('takes a PNG screenshot of every sheet', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(pathToFileURL(htmlPath).href);
    const sheets = definition.Sheets ?? [];
    for (const [i, s] of sheets.entries()) {
      await page.locator(`label[for="tab-${i}"]`).click();
      const file = join(outDir, `sheet-${i + 1}-${s.SheetId}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const size = (await stat(file)).size;
      expect(size, file).toBeGreaterThan(10_000);
      const png = await readFile(file);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    console.info(`dashboard page and screenshots: ${outDir}`);
    await page.close();
  });
});
