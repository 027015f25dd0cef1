/**
 * The shipped analysis (quicksight/analyses/org-compliance.json) as a person uses it: the
 * drill-down from an account or a rule to its failing resources, the severity controls, and one
 * colour per category in every chart. validate checks that every name exists; these tests check
 * that the pieces are wired to each other.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/model/config.js';
import { dataSetColumns } from '../../src/quicksight/columns.js';
import { readQuickSightSources } from '../../src/quicksight/files.js';
import { evaluate, parseExpression } from '../../src/quicksight/render/expression.js';
import { REPO_ROOT } from '../helpers/repo.js';

type Json = Record<string, unknown>;

const { sources } = await readQuickSightSources(REPO_ROOT);
const analysis = sources.find((s) => s.kind === 'quicksight-analysis' && s.id === 'org-compliance');
if (!analysis) throw new Error('no analysis org-compliance');
const def = analysis.json.Definition as Json;
const sheets = def.Sheets as Json[];
const filterGroups = def.FilterGroups as Json[];
const declarations = def.DataSetIdentifierDeclarations as { Identifier: string; DataSetArn: string }[];

function sheet(id: string): Json {
  const s = sheets.find((x) => x.SheetId === id);
  if (!s) throw new Error(`no sheet ${id}`);
  return s;
}

/** Every visual with its type and the sheet it is on. */
const visuals = sheets.flatMap((s) =>
  (s.Visuals as Json[]).map((v) => {
    const [type, body] = Object.entries(v)[0] as [string, Json];
    return { sheetId: s.SheetId as string, type, body, id: body.VisualId as string };
  }),
);

function visual(id: string) {
  const v = visuals.find((x) => x.id === id);
  if (!v) throw new Error(`no visual ${id}`);
  return v;
}

/** Every object in a JSON value, depth first. */
function* objects(value: unknown): Generator<Json> {
  if (Array.isArray(value)) for (const item of value) yield* objects(item);
  else if (typeof value === 'object' && value !== null) {
    yield value as Json;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

/** The column a field id of a visual reads: [data set identifier, column]. */
function columnOfField(body: Json, fieldId: string): [string, string] {
  for (const o of objects(body.ChartConfiguration))
    if (o.FieldId === fieldId && typeof o.Column === 'object') {
      const c = o.Column as { DataSetIdentifier: string; ColumnName: string };
      return [c.DataSetIdentifier, c.ColumnName];
    }
  throw new Error(`no field ${fieldId}`);
}

/** The columns of the data set a data set identifier declares. */
function columnsOf(identifier: string): string[] {
  const arn = declarations.find((d) => d.Identifier === identifier)?.DataSetArn ?? '';
  const id = /^\$\{dataSet:(.+)\}$/.exec(arn)?.[1];
  const ds = sources.find((s) => s.kind === 'quicksight-data-set' && s.id === id);
  if (!ds) throw new Error(`no data set for ${identifier}`);
  return dataSetColumns(ds.json).columns.map((c) => c.name);
}

/** Filter groups whose scope covers a visual, with their filters. */
function filtersCovering(sheetId: string, visualId: string): Json[] {
  return filterGroups
    .filter((g) =>
      [...objects(g.ScopeConfiguration)].some(
        (o) =>
          o.SheetId === sheetId &&
          (o.Scope === 'ALL_VISUALS' || (Array.isArray(o.VisualIds) && o.VisualIds.includes(visualId))),
      ),
    )
    .flatMap((g) => g.Filters as Json[]);
}

describe('the drill-down from an account or a rule to its failing resources', () => {
  const cases = [
    { from: 'accounts-by-score', sets: 'drillAccountId', resets: 'drillRule', column: 'account_id' },
    { from: 'rules-table', sets: 'drillRule', resets: 'drillAccountId', column: 'rule' },
  ];

  it.each(cases)('$from: a click sets $sets from its $column, resets $resets, and opens Resources', (c) => {
    const { body, sheetId } = visual(c.from);
    const actions = body.Actions as Json[];
    expect(actions).toHaveLength(1);
    const action = actions[0] as Json;
    expect(action.Trigger).toBe('DATA_POINT_CLICK');
    const ops = action.ActionOperations as Json[];
    const navigate = ops.find((o) => o.NavigationOperation)?.NavigationOperation as Json;
    expect(navigate).toEqual({ LocalNavigationConfiguration: { TargetSheetId: 'resources' } });
    expect(sheetId).not.toBe('resources');
    const set = ops.find((o) => o.SetParametersOperation)?.SetParametersOperation as {
      ParameterValueConfigurations: { DestinationParameterName: string; Value: Json }[];
    };
    expect(set.ParameterValueConfigurations.map((p) => p.DestinationParameterName)).toEqual([
      c.sets,
      c.resets,
    ]);
    const [from, reset] = set.ParameterValueConfigurations;
    expect(reset?.Value).toEqual({ SelectAllValueOptions: 'ALL_VALUES' });
    // The clicked field is the account id (the rule) of the row clicked.
    const [, sourceColumn] = columnOfField(body, from?.Value.SourceField as string);
    expect(sourceColumn).toBe(c.column);
    // No FilterOperation: it would filter visuals of the sheet the click is on, never Resources.
    expect(ops.some((o) => o.FilterOperation)).toBe(false);
  });

  it.each(cases)('$sets filters the failing-resources table by its $column', (c) => {
    const declared = (def.ParameterDeclarations as Json[]).map(
      (p) => (p.StringParameterDeclaration as Json | undefined)?.Name,
    );
    expect(declared).toContain(c.sets);
    const table = visual('failing-resources-table');
    expect(table.sheetId).toBe('resources');
    const mine = filtersCovering('resources', table.id)
      .map((f) => f.CategoryFilter as Json | undefined)
      .filter((f): f is Json => {
        const custom = (f?.Configuration as Json | undefined)?.CustomFilterConfiguration as Json | undefined;
        return custom?.ParameterName === c.sets;
      });
    expect(mine).toHaveLength(1);
    const filter = mine[0] as Json;
    expect(filter.Column).toEqual({ DataSetIdentifier: 'failing-resources', ColumnName: c.column });
    expect((filter.Configuration as Json).CustomFilterConfiguration).toEqual({
      MatchOperator: 'EQUALS',
      NullOption: 'NON_NULLS_ONLY',
      ParameterName: c.sets,
      SelectAllOptions: 'FILTER_ALL_VALUES',
    });
    expect(columnsOf('failing-resources')).toContain(c.column);
    // The Resources sheet shows which account and rule it is drilled into, and lets the reader clear them.
    const controls = (sheet('resources').ParameterControls as Json[]).map((p) => p.Dropdown as Json);
    expect(controls.find((p) => p.SourceParameterName === c.sets)).toMatchObject({
      Type: 'MULTI_SELECT',
      SelectableValues: {
        LinkToDataSetColumn: { DataSetIdentifier: 'failing-resources', ColumnName: c.column },
      },
    });
  });

  it('the failing-resources table has the promised columns, sorted by days failing, longest first', () => {
    const { body } = visual('failing-resources-table');
    const fields = [...objects(body.ChartConfiguration)]
      .filter((o) => typeof o.FieldId === 'string' && o.Column)
      .map((o) => (o.Column as Json).ColumnName);
    expect(fields).toEqual([
      'account_name',
      'account_id',
      'ou',
      'owner',
      'region',
      'rule',
      'category',
      'severity',
      'resource_type',
      'resource_id',
      'first_seen',
      'days_failing',
      'excluded',
      'exclusion_reason',
    ]);
    const sort = (body.ChartConfiguration as Json).SortConfiguration as { RowSort: Json[] };
    expect(sort.RowSort[0]).toEqual({
      FieldSort: { FieldId: 'failing-resources-table.days_failing', Direction: 'DESC' },
    });
  });
});

describe('severity', () => {
  it.each([
    ['rules', 'rule-summary'],
    ['resources', 'failing-resources'],
  ])('the %s sheet has a multi-select severity control on its data set %s', (sheetId, identifier) => {
    const controls = (sheet(sheetId).FilterControls as Json[]).map((c) => c.Dropdown as Json | undefined);
    const control = controls.find((c) => c?.Title === 'Severity');
    expect(control?.Type).toBe('MULTI_SELECT');
    const group = filterGroups.find((g) =>
      (g.Filters as Json[]).some(
        (f) => (f.CategoryFilter as Json | undefined)?.FilterId === control?.SourceFilterId,
      ),
    ) as Json;
    const filter = (group.Filters as Json[])[0]?.CategoryFilter as Json;
    expect(filter.Column).toEqual({ DataSetIdentifier: identifier, ColumnName: 'severity' });
    expect(group.ScopeConfiguration).toEqual({
      SelectedSheets: { SheetVisualScopingConfigurations: [{ Scope: 'ALL_VISUALS', SheetId: sheetId }] },
    });
    expect(columnsOf(identifier)).toContain('severity');
  });

  it('the score by severity stands next to the organization score, in severity order', () => {
    const layout = [...objects(sheet('accounts').Layouts)].filter((o) => o.ElementType === 'VISUAL');
    const at = (id: string) => layout.find((e) => e.ElementId === id) as Json;
    expect(at('score-by-severity').RowIndex).toBe(at('organization-score').RowIndex);
    const { body } = visual('score-by-severity');
    expect(columnOfField(body, 'score-by-severity.score')).toEqual(['severity-summary', 'score']);
    const sort = ((body.ChartConfiguration as Json).SortConfiguration as { CategorySort: Json[] })
      .CategorySort;
    expect(sort).toEqual([
      {
        ColumnSort: {
          AggregationFunction: { NumericalAggregationFunction: { SimpleNumericalAggregation: 'MIN' } },
          Direction: 'ASC',
          SortBy: { ColumnName: 'severity_rank', DataSetIdentifier: 'severity-summary' },
        },
      },
    ]);
  });
});

describe('category colours', () => {
  /** Charts with a field on the category column, and the field's id. */
  const charts = visuals.flatMap((v) => {
    if (v.type === 'TableVisual' || v.type === 'PivotTableVisual' || v.type === 'HeatMapVisual') return [];
    const fields = [...objects((v.body.ChartConfiguration as Json | undefined)?.FieldWells)].filter(
      (o) => typeof o.FieldId === 'string' && (o.Column as Json | undefined)?.ColumnName === 'category',
    );
    return fields.map((f) => ({ ...v, fieldId: f.FieldId as string }));
  });

  it('are set on every chart that splits by category', () => {
    expect(charts.map((c) => c.id).sort()).toEqual([
      'category-non-compliant',
      'category-scores',
      'rules-by-accounts-failing',
      'trend-categories',
    ]);
  });

  it('give each category the same colour in every one of them, every category a colour of its own', () => {
    const byChart = charts.map((c) => {
      const palette = (c.body.ChartConfiguration as Json).VisualPalette as {
        ColorMap: { Element: { FieldId: string; FieldValue: string }; Color: string }[];
      };
      for (const m of palette.ColorMap) expect(m.Element.FieldId).toBe(c.fieldId);
      return Object.fromEntries(palette.ColorMap.map((m) => [m.Element.FieldValue, m.Color]));
    });
    const first = byChart[0] as Record<string, string>;
    expect(Object.keys(first).sort()).toEqual([...CATEGORIES].sort());
    for (const colours of byChart) expect(colours).toEqual(first);
    expect(new Set(Object.values(first)).size).toBe(CATEGORIES.length);
    // The API's pattern for a colour: ^#[A-F0-9]{6}$ (upper case).
    for (const colour of Object.values(first)) expect(colour).toMatch(/^#[A-F0-9]{6}$/);
  });

  it('are also the field colours of the category column of every data set that has one, for charts to come', () => {
    const colours = (c: Json) =>
      Object.fromEntries(
        ((c.ColorsConfiguration as Json).CustomColors as { FieldValue: string; Color: string }[]).map((x) => [
          x.FieldValue,
          x.Color,
        ]),
      );
    const configured = new Map(
      (def.ColumnConfigurations as Json[])
        .filter((c) => (c.Column as Json).ColumnName === 'category')
        .map((c) => [(c.Column as Json).DataSetIdentifier as string, colours(c)]),
    );
    const withCategory = declarations
      .map((d) => d.Identifier)
      .filter((i) => columnsOf(i).includes('category'));
    expect([...configured.keys()].sort()).toEqual(withCategory.sort());
    const chart = (visual('category-scores').body.ChartConfiguration as Json).VisualPalette as {
      ColorMap: { Element: { FieldValue: string }; Color: string }[];
    };
    const expected = Object.fromEntries(chart.ColorMap.map((m) => [m.Element.FieldValue, m.Color]));
    for (const [identifier, c] of configured) expect(c, identifier).toEqual(expected);
  });
});

describe('data sets of the new sheets', () => {
  it('are SPICE: one Athena query a day at refresh, not one per click of a drill-down', () => {
    for (const id of [
      'org-compliance-failing-resources',
      'org-compliance-finding-changes',
      'org-compliance-severity-summary',
      'org-compliance-framework-summary',
      'org-compliance-ou-summary',
    ]) {
      const ds = sources.find((s) => s.kind === 'quicksight-data-set' && s.id === id);
      expect(ds?.json.ImportMode, id).toBe('SPICE');
      const schedules = sources.filter(
        (s) => s.kind === 'quicksight-refresh-schedule' && s.json.DataSetId === id,
      );
      expect(schedules, id).toHaveLength(1);
    }
  });

  it('the changes data set counts each row in exactly one of its four columns', () => {
    const ds = sources.find(
      (s) => s.kind === 'quicksight-data-set' && s.id === 'org-compliance-finding-changes',
    );
    const created = [...objects(ds?.json.LogicalTableMap)].filter(
      (o) => typeof o.Expression === 'string' && typeof o.ColumnName === 'string',
    ) as { ColumnName: string; Expression: string }[];
    expect(created.map((c) => c.ColumnName)).toEqual([
      'new_yesterday',
      'resolved_yesterday',
      'new_week',
      'resolved_week',
    ]);
    const counts = (since: string, change: string) =>
      created.map((c) =>
        evaluate(
          parseExpression(c.Expression),
          { column: (name, row) => row[name], params: new Map(), now: new Date(0) },
          { since, change },
        ),
      );
    expect(counts('yesterday', 'new')).toEqual([1, 0, 0, 0]);
    expect(counts('yesterday', 'resolved')).toEqual([0, 1, 0, 0]);
    expect(counts('week', 'new')).toEqual([0, 0, 1, 0]);
    expect(counts('week', 'resolved')).toEqual([0, 0, 0, 1]);
  });
});
