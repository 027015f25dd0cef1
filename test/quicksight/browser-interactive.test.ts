/**
 * The page's script in headless chromium over a small definition with known numbers: a single-select
 * List control, a drill-down from a table row to the visuals of its sheet (FilterOperation), from
 * a bar to another sheet through a parameter (SetParametersOperation + NavigationOperation), a
 * calculated score, a distinct count, an items limit with "Other", and a heat map the script does
 * not recompute (it says so). Without JavaScript the page shows every value.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Visual } from '@aws-sdk/client-quicksight';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DataSetData,
  type QuickSightDefinition,
  renderDashboardHtml,
} from '../../src/quicksight/render/index.js';

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

const col = (ColumnName: string) => ({ DataSetIdentifier: 'ev', ColumnName });
const cat = (FieldId: string, c: string) => ({ CategoricalDimensionField: { FieldId, Column: col(c) } });
const sum = (FieldId: string, c: string) => ({
  NumericalMeasureField: {
    FieldId,
    Column: col(c),
    AggregationFunction: { SimpleNumericalAggregation: 'SUM' as const },
  },
});
const count = { NumberDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 0 } } };
const pct = {
  PercentageDisplayFormatConfiguration: {
    DecimalPlacesConfiguration: { DecimalPlaces: 1 },
    NullValueFormatConfiguration: { NullString: 'n/a' },
  },
};

// Evaluations: account, category, resource, compliant (0/1), non_compliant (0/1).
const ROWS: [string, string, string, number][] = [
  ['alpha', 'security', 'vol-1', 1],
  ['alpha', 'security', 'vol-2', 0],
  ['alpha', 'cost', 'eip-1', 0],
  ['alpha', 'cost', 'eip-2', 0],
  ['beta', 'security', 'vol-3', 1],
  ['beta', 'security', 'vol-4', 1],
  ['beta', 'backup', 'db-1', 0],
  ['gamma', 'security', 'vol-5', 1],
  ['gamma', 'performance', 'fn-1', 1],
  ['gamma', 'performance', 'fn-1', 1],
];
const DATA: DataSetData = {
  columns: [
    { name: 'account', type: 'STRING' },
    { name: 'category', type: 'STRING' },
    { name: 'resource', type: 'STRING' },
    { name: 'compliant', type: 'INTEGER' },
    { name: 'non_compliant', type: 'INTEGER' },
  ],
  rows: ROWS.map(([account, category, resource, ok]) => ({
    account,
    category,
    resource,
    compliant: ok,
    non_compliant: 1 - ok,
  })),
};

const VISUALS: Visual[] = [
  {
    KPIVisual: {
      VisualId: 'score',
      ChartConfiguration: {
        FieldWells: {
          Values: [
            {
              NumericalMeasureField: {
                FieldId: 'score.v',
                Column: col('score'),
                FormatConfiguration: { FormatConfiguration: pct },
              },
            },
          ],
        },
      },
    },
  },
  {
    KPIVisual: {
      VisualId: 'resources',
      ChartConfiguration: {
        FieldWells: {
          Values: [
            {
              CategoricalMeasureField: {
                FieldId: 'resources.v',
                Column: col('resource'),
                AggregationFunction: 'DISTINCT_COUNT',
              },
            },
          ],
        },
      },
    },
  },
  {
    TableVisual: {
      VisualId: 'accounts',
      ChartConfiguration: {
        FieldWells: {
          TableAggregatedFieldWells: {
            GroupBy: [cat('accounts.a', 'account')],
            Values: [
              {
                NumericalMeasureField: {
                  ...sum('accounts.n', 'non_compliant').NumericalMeasureField,
                  FormatConfiguration: { FormatConfiguration: count },
                },
              },
            ],
          },
        },
        SortConfiguration: { RowSort: [{ FieldSort: { FieldId: 'accounts.n', Direction: 'DESC' } }] },
        TotalOptions: { TotalsVisibility: 'VISIBLE' },
      },
      Actions: [
        {
          CustomActionId: 'drill',
          Name: 'Resources of the account',
          Trigger: 'DATA_POINT_CLICK',
          ActionOperations: [
            {
              FilterOperation: {
                SelectedFieldsConfiguration: { SelectedFields: ['accounts.a'] },
                TargetVisualsConfiguration: {
                  SameSheetTargetVisualConfiguration: { TargetVisuals: ['score', 'resource-list'] },
                },
              },
            },
          ],
        },
      ],
    },
  },
  {
    TableVisual: {
      VisualId: 'resource-list',
      ChartConfiguration: {
        FieldWells: {
          TableUnaggregatedFieldWells: {
            Values: [
              { FieldId: 'resource-list.r', Column: col('resource') },
              { FieldId: 'resource-list.a', Column: col('account') },
              { FieldId: 'resource-list.c', Column: col('category') },
            ],
          },
        },
        SortConfiguration: { RowSort: [{ FieldSort: { FieldId: 'resource-list.r', Direction: 'ASC' } }] },
      },
    },
  },
  {
    BarChartVisual: {
      VisualId: 'by-category',
      ChartConfiguration: {
        FieldWells: {
          BarChartAggregatedFieldWells: {
            Category: [cat('by-category.c', 'category')],
            Values: [sum('by-category.n', 'non_compliant')],
          },
        },
        Orientation: 'HORIZONTAL',
        SortConfiguration: {
          CategorySort: [{ FieldSort: { FieldId: 'by-category.c', Direction: 'ASC' } }],
          CategoryItemsLimit: { ItemsLimit: 2, OtherCategories: 'INCLUDE' },
        },
      },
      Actions: [
        {
          CustomActionId: 'to-detail',
          Name: 'Category detail',
          Trigger: 'DATA_POINT_CLICK',
          ActionOperations: [
            {
              SetParametersOperation: {
                ParameterValueConfigurations: [
                  { DestinationParameterName: 'pickedCategory', Value: { SourceField: 'by-category.c' } },
                ],
              },
            },
            { NavigationOperation: { LocalNavigationConfiguration: { TargetSheetId: 'detail' } } },
          ],
        },
      ],
    },
  },
  {
    HeatMapVisual: {
      VisualId: 'heat',
      ChartConfiguration: {
        FieldWells: {
          HeatMapAggregatedFieldWells: {
            Rows: [cat('heat.a', 'account')],
            Columns: [cat('heat.c', 'category')],
            Values: [sum('heat.n', 'non_compliant')],
          },
        },
      },
    },
  },
];

const DETAIL: Visual[] = [
  {
    TableVisual: {
      VisualId: 'detail-list',
      ChartConfiguration: {
        FieldWells: {
          TableAggregatedFieldWells: {
            GroupBy: [cat('detail-list.c', 'category'), cat('detail-list.a', 'account')],
            Values: [sum('detail-list.n', 'non_compliant')],
          },
        },
        SortConfiguration: { RowSort: [{ FieldSort: { FieldId: 'detail-list.a', Direction: 'ASC' } }] },
      },
    },
  },
];

const DEFINITION: QuickSightDefinition = {
  DataSetIdentifierDeclarations: [
    { Identifier: 'ev', DataSetArn: 'arn:aws:quicksight:eu-west-1:1:dataset/ev' },
  ],
  CalculatedFields: [
    {
      DataSetIdentifier: 'ev',
      Name: 'score',
      Expression: 'sum({compliant}) / (sum({compliant}) + sum({non_compliant}))',
    },
  ],
  ParameterDeclarations: [
    {
      StringParameterDeclaration: {
        Name: 'pickedCategory',
        ParameterValueType: 'SINGLE_VALUED',
        DefaultValues: {},
      },
    },
  ],
  ColumnConfigurations: [
    {
      Column: col('non_compliant'),
      FormatConfiguration: { NumberFormatConfiguration: { FormatConfiguration: count } },
    },
  ],
  FilterGroups: [
    {
      FilterGroupId: 'by-category',
      CrossDataset: 'SINGLE_DATASET',
      Filters: [
        {
          CategoryFilter: {
            FilterId: 'filter-category',
            Column: col('category'),
            Configuration: {
              FilterListConfiguration: { MatchOperator: 'CONTAINS', SelectAllOptions: 'FILTER_ALL_VALUES' },
            },
          },
        },
      ],
      ScopeConfiguration: {
        SelectedSheets: { SheetVisualScopingConfigurations: [{ SheetId: 'main', Scope: 'ALL_VISUALS' }] },
      },
    },
    {
      FilterGroupId: 'detail-category',
      CrossDataset: 'SINGLE_DATASET',
      Filters: [
        {
          CategoryFilter: {
            FilterId: 'filter-picked',
            Column: col('category'),
            Configuration: {
              CustomFilterConfiguration: {
                MatchOperator: 'EQUALS',
                ParameterName: 'pickedCategory',
                NullOption: 'NON_NULLS_ONLY',
              },
            },
          },
        },
      ],
      ScopeConfiguration: {
        SelectedSheets: { SheetVisualScopingConfigurations: [{ SheetId: 'detail', Scope: 'ALL_VISUALS' }] },
      },
    },
  ],
  Sheets: [
    {
      SheetId: 'main',
      Name: 'Main',
      Visuals: VISUALS,
      FilterControls: [
        {
          List: {
            FilterControlId: 'control-category',
            SourceFilterId: 'filter-category',
            Title: 'Category',
            Type: 'SINGLE_SELECT',
          },
        },
      ],
    },
    {
      SheetId: 'detail',
      Name: 'Detail',
      Visuals: DETAIL,
      ParameterControls: [
        {
          List: {
            ParameterControlId: 'control-picked',
            SourceParameterName: 'pickedCategory',
            Title: 'Picked category',
            Type: 'SINGLE_SELECT',
            SelectableValues: { LinkToDataSetColumn: col('category') },
          },
        },
      ],
    },
  ],
};

/** The data-value of each cell of a table's body rows (not totals). */
async function tableRows(page: Page, visualId: string): Promise<string[][]> {
  return page.$$eval(`[data-visual-id="${visualId}"] tbody tr:not(.total)`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.getAttribute('data-value') ?? '')),
  );
}
const kpi = (page: Page, id: string) => page.locator(`[data-visual-id="${id}"] .kpi-value`).textContent();

describe.skipIf(skip)('the page script on a small definition', () => {
  let browser: Browser | undefined;
  let file: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'org-compliance-live-'));
    file = join(dir, 'page.html');
    await writeFile(
      file,
      renderDashboardHtml({
        title: 'Live',
        definition: DEFINITION,
        dataSets: new Map([['ev', DATA]]),
        generatedAt: '2026-11-30',
      }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) errors.push(`request ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    return { page, errors };
  }

  it('a single-select list control filters every visual of its sheet, and All brings the page back', async () => {
    const { page, errors } = await open();
    // 6 of 10 compliant; 9 distinct resources (fn-1 twice).
    expect([await kpi(page, 'score'), await kpi(page, 'resources')]).toEqual(['60.0%', '9']);
    expect(await tableRows(page, 'accounts')).toEqual([
      ['alpha', '3'],
      ['beta', '1'],
      ['gamma', '0'],
    ]);
    const control = page.locator('.qs-control[data-filter-id="filter-category"]');
    await control.locator('input[value="security"]').check();
    // security: vol-1..vol-5, 4 of 5 compliant.
    expect([await kpi(page, 'score'), await kpi(page, 'resources')]).toEqual(['80.0%', '5']);
    expect(await tableRows(page, 'accounts')).toEqual([
      ['alpha', '1'],
      ['beta', '0'],
      ['gamma', '0'],
    ]);
    expect(await page.locator('[data-visual-id="accounts"] tr.total td').allTextContents()).toEqual([
      'Total',
      '1',
    ]);
    // The heat map is not recomputed and says so while a filter is picked.
    expect(await page.locator('[data-visual-id="heat"] .qs-fixed').isVisible()).toBe(true);
    await control.locator('input[value="cost"]').check();
    expect(await kpi(page, 'score')).toBe('0.0%');
    await control.locator('input[value=""]').check();
    expect([await kpi(page, 'score'), await kpi(page, 'resources')]).toEqual(['60.0%', '9']);
    expect(await page.locator('[data-visual-id="heat"] .qs-fixed').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking a table row drills down: the target visuals show that account only; clicking again clears', async () => {
    const { page, errors } = await open();
    await page.locator('[data-visual-id="accounts"] tbody tr', { hasText: 'beta' }).click();
    expect(await kpi(page, 'score')).toBe('66.7%');
    expect(await tableRows(page, 'resource-list')).toEqual([
      ['db-1', 'beta', 'backup'],
      ['vol-3', 'beta', 'security'],
      ['vol-4', 'beta', 'security'],
    ]);
    // Not a target: unchanged.
    expect(await kpi(page, 'resources')).toBe('9');
    expect(await page.locator('[data-visual-id="resource-list"] .qs-drill').textContent()).toContain(
      'account = beta',
    );
    // gamma's fn-1 appears twice: one line with its count.
    await page.locator('[data-visual-id="accounts"] tbody tr', { hasText: 'gamma' }).click();
    expect(await tableRows(page, 'resource-list')).toEqual([
      ['fn-1', 'gamma', 'performance', '2'],
      ['vol-5', 'gamma', 'security', '1'],
    ]);
    await page.locator('[data-visual-id="accounts"] tbody tr', { hasText: 'gamma' }).click();
    expect(await kpi(page, 'score')).toBe('60.0%');
    expect((await tableRows(page, 'resource-list')).length).toBe(9);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking a bar sets the parameter and opens the sheet it filters; the limit keeps two bars and Other', async () => {
    const { page, errors } = await open();
    const bars = page.locator('[data-visual-id="by-category"] .qs-bar');
    // backup, cost, then Other (performance and security).
    expect(await bars.count()).toBe(3);
    expect(await page.locator('[data-visual-id="by-category"] svg text').allTextContents()).toEqual([
      'backup',
      '1',
      'cost',
      '2',
      'Other',
      '1',
    ]);
    expect(await page.locator('[data-sheet-id="detail"]').isVisible()).toBe(false);
    await bars.nth(1).click();
    expect(await page.locator('[data-sheet-id="detail"]').isVisible()).toBe(true);
    expect(await tableRows(page, 'detail-list')).toEqual([['cost', 'alpha', '2']]);
    // The parameter's control shows what the click set, and sets it too.
    const picked = page.locator('.qs-control[data-param="pickedCategory"]');
    expect(await picked.locator('input[value="cost"]').isChecked()).toBe(true);
    await picked.locator('input[value="backup"]').check();
    expect(await tableRows(page, 'detail-list')).toEqual([['backup', 'beta', '1']]);
    await picked.locator('input[value=""]').check();
    expect((await tableRows(page, 'detail-list')).length).toBe(6);
    // Tabs still switch by hand.
    await page.locator('label[data-sheet-tab="main"]').click();
    expect(await page.locator('[data-sheet-id="main"]').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without JavaScript the page shows every value and the controls are inert', async () => {
    const context = await (browser as Browser).newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href);
    expect([await kpi(page, 'score'), await kpi(page, 'resources')]).toEqual(['60.0%', '9']);
    expect(
      await page
        .locator('.qs-control[data-filter-id="filter-category"] input[value="security"]')
        .isDisabled(),
    ).toBe(true);
    expect((await tableRows(page, 'detail-list')).length).toBe(6);
    await context.close();
  });
});
