/**
 * Fields of QuickSight field wells (dimension, measure and unaggregated fields) read into one shape,
 * and the "frame" a visual reads them from: a data set's rows with the analysis's calculated fields
 * and parameters. Pure: no HTML, no charts.
 */
import type {
  AggregationFunction,
  CalculatedField,
  ColumnIdentifier,
  DimensionField,
  MeasureField,
  ParameterDeclaration,
  UnaggregatedField,
} from '@aws-sdk/client-quicksight';
import { errorMessage } from '../../model/errors.js';
import {
  type EvalContext,
  type Expr,
  ExpressionError,
  evaluate,
  isAggregate,
  parseExpression,
} from './expression.js';
import { type AnyFormatConfiguration, type ValueFormat, type ValueKind, valueFormat } from './format.js';
import type { DataSetData, Row } from './types.js';

/** A problem that stops one visual from rendering (shown in its box). */
export class RenderError extends Error {}

export interface Field {
  fieldId: string;
  /** DataSetIdentifier ('' for a CalculatedMeasureField, which names no column). */
  dataSet: string;
  /** ColumnName ('' for a CalculatedMeasureField). */
  column: string;
  role: 'dimension' | 'measure' | 'unaggregated';
  /** Which QuickSight field member it came from. */
  source: 'categorical' | 'numerical' | 'date' | 'calculated' | 'unaggregated';
  /** Measures: SUM, AVERAGE, MIN, MAX, COUNT, DISTINCT_COUNT, MEDIAN, STDEV, STDEVP, VAR, VARP, PERCENTILE_<n>. */
  aggregation?: string;
  /** Date dimensions: DAY, WEEK, MONTH, QUARTER, YEAR, HOUR, MINUTE, SECOND. */
  granularity?: string;
  /** CalculatedMeasureField's expression. */
  expression?: string;
  format: ValueFormat;
}

/** The aggregation named by an AggregationFunction, or undefined for the default. */
export function aggregationName(a: AggregationFunction | undefined): string | undefined {
  if (!a) return undefined;
  const n = a.NumericalAggregationFunction;
  if (n?.SimpleNumericalAggregation) return n.SimpleNumericalAggregation;
  if (n?.PercentileAggregation) return `PERCENTILE_${n.PercentileAggregation.PercentileValue ?? 50}`;
  if (a.CategoricalAggregationFunction) return a.CategoricalAggregationFunction;
  if (a.DateAggregationFunction) return a.DateAggregationFunction;
  if (a.AttributeAggregationFunction?.SimpleAttributeAggregation) return 'MAX';
  return undefined;
}

function column(c: ColumnIdentifier | undefined, where: string): { dataSet: string; column: string } {
  if (!c?.ColumnName || !c.DataSetIdentifier) throw new RenderError(`${where}: the field names no column`);
  return { dataSet: c.DataSetIdentifier, column: c.ColumnName };
}

function fmt(f: AnyFormatConfiguration | undefined): ValueFormat {
  return valueFormat(f);
}

export function dimensionField(d: DimensionField): Field {
  if (d.CategoricalDimensionField) {
    const f = d.CategoricalDimensionField;
    return {
      fieldId: f.FieldId ?? '',
      ...column(f.Column, `field ${f.FieldId}`),
      role: 'dimension',
      source: 'categorical',
      format: fmt(f.FormatConfiguration),
    };
  }
  if (d.NumericalDimensionField) {
    const f = d.NumericalDimensionField;
    return {
      fieldId: f.FieldId ?? '',
      ...column(f.Column, `field ${f.FieldId}`),
      role: 'dimension',
      source: 'numerical',
      format: fmt(f.FormatConfiguration),
    };
  }
  if (d.DateDimensionField) {
    const f = d.DateDimensionField;
    return {
      fieldId: f.FieldId ?? '',
      ...column(f.Column, `field ${f.FieldId}`),
      role: 'dimension',
      source: 'date',
      granularity: f.DateGranularity ?? 'DAY',
      format: fmt(f.FormatConfiguration),
    };
  }
  throw new RenderError(`a dimension field of an unknown kind: ${Object.keys(d).join(', ')}`);
}

export function measureField(m: MeasureField): Field {
  if (m.NumericalMeasureField) {
    const f = m.NumericalMeasureField;
    return withAggregation(
      {
        fieldId: f.FieldId ?? '',
        ...column(f.Column, `field ${f.FieldId}`),
        role: 'measure',
        source: 'numerical',
        format: fmt(f.FormatConfiguration),
      },
      aggregationName(
        f.AggregationFunction ? { NumericalAggregationFunction: f.AggregationFunction } : undefined,
      ) ?? 'SUM',
    );
  }
  if (m.CategoricalMeasureField) {
    const f = m.CategoricalMeasureField;
    return withAggregation(
      {
        fieldId: f.FieldId ?? '',
        ...column(f.Column, `field ${f.FieldId}`),
        role: 'measure',
        source: 'categorical',
        format: fmt(f.FormatConfiguration),
      },
      f.AggregationFunction ?? 'COUNT',
    );
  }
  if (m.DateMeasureField) {
    const f = m.DateMeasureField;
    return withAggregation(
      {
        fieldId: f.FieldId ?? '',
        ...column(f.Column, `field ${f.FieldId}`),
        role: 'measure',
        source: 'date',
        format: fmt(f.FormatConfiguration),
      },
      f.AggregationFunction ?? 'COUNT',
    );
  }
  if (m.CalculatedMeasureField) {
    const f = m.CalculatedMeasureField;
    if (!f.Expression)
      throw new RenderError(`field ${f.FieldId}: a calculated measure without an expression`);
    return {
      fieldId: f.FieldId ?? '',
      dataSet: '',
      column: '',
      role: 'measure',
      source: 'calculated',
      expression: f.Expression,
      format: {},
    };
  }
  throw new RenderError(`a measure field of an unknown kind: ${Object.keys(m).join(', ')}`);
}

function withAggregation(f: Field, aggregation: string): Field {
  f.aggregation = aggregation;
  return f;
}

export function unaggregatedField(u: UnaggregatedField): Field {
  return {
    fieldId: u.FieldId ?? '',
    ...column(u.Column, `field ${u.FieldId}`),
    role: 'unaggregated',
    source: 'unaggregated',
    format: fmt(u.FormatConfiguration),
  };
}

/** The kind of value a field shows, given its frame. */
export function fieldKind(f: Field, frame: Frame | undefined): ValueKind {
  if (f.role === 'measure') {
    if (f.source === 'calculated') return 'number';
    if (f.aggregation === 'COUNT' || f.aggregation === 'DISTINCT_COUNT') return 'number';
    if (f.source === 'date') return 'date';
    if (frame?.aggregateCalcs.has(f.column)) return 'number';
    if (f.source === 'categorical') return 'string';
    return 'number';
  }
  if (f.source === 'date') return 'date';
  if (f.source === 'numerical') return 'number';
  if (f.source === 'categorical') return 'string';
  return frame?.kindOf(f.column) ?? 'string';
}

/** A data set's rows as the visuals see them: with calculated fields and parameters. */
export interface Frame {
  id: string;
  rows: Row[];
  /** The value of a column or row-level calculated field in a row. */
  value(name: string, row: Row): unknown;
  has(name: string): boolean;
  kindOf(name: string): ValueKind;
  /** Calculated fields whose expression aggregates, by name. */
  aggregateCalcs: Map<string, Expr>;
  ctx: EvalContext;
  /** The QuickSight type of a data set column (undefined for calculated fields). */
  columnType(name: string): string | undefined;
}

function kindOfType(type: string | undefined): ValueKind | undefined {
  switch (type?.toUpperCase()) {
    case 'INTEGER':
    case 'DECIMAL':
    case 'BIT':
      return 'number';
    case 'DATETIME':
      return 'date';
    case 'STRING':
    case 'BOOLEAN':
    case 'JSON':
      return 'string';
    default:
      return undefined;
  }
}

/** Parameter values: static defaults (an array for multi-valued parameters), else the custom value when unset. */
export function parameterValues(decls: ParameterDeclaration[] | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const d of decls ?? []) {
    const p =
      d.StringParameterDeclaration ??
      d.IntegerParameterDeclaration ??
      d.DecimalParameterDeclaration ??
      d.DateTimeParameterDeclaration;
    if (!p?.Name) continue;
    const statics = (p.DefaultValues?.StaticValues ?? []) as unknown[];
    const multi = 'ParameterValueType' in p && p.ParameterValueType === 'MULTI_VALUED';
    const unset = (p.ValueWhenUnset as { CustomValue?: unknown } | undefined)?.CustomValue;
    const values = statics.map((v) => (v instanceof Date ? v.toISOString() : v));
    if (values.length) out.set(p.Name, multi ? values : values[0]);
    else if (unset !== undefined) out.set(p.Name, multi ? [unset] : unset);
  }
  return out;
}

/** Builds the frame of a data set: its rows, plus the analysis's calculated fields declared on it. */
export function makeFrame(
  id: string,
  data: DataSetData,
  calculated: CalculatedField[],
  params: ReadonlyMap<string, unknown>,
  now: Date,
): Frame {
  const types = new Map(data.columns.map((c) => [c.name, c.type]));
  const rowCalcs = new Map<string, Expr>();
  const aggregateCalcs = new Map<string, Expr>();
  const broken = new Map<string, string>();
  for (const c of calculated) {
    if (!c.Name || !c.Expression || (c.DataSetIdentifier && c.DataSetIdentifier !== id)) continue;
    try {
      const e = parseExpression(c.Expression);
      (isAggregate(e) ? aggregateCalcs : rowCalcs).set(c.Name, e);
    } catch (err) {
      broken.set(c.Name, errorMessage(err));
    }
  }
  const computing = new Set<string>();
  const cache = new WeakMap<Row, Map<string, unknown>>();
  const ctx: EvalContext = {
    params,
    now,
    column: (name, row) => value(name, row),
  };
  function value(name: string, row: Row): unknown {
    const calc = rowCalcs.get(name);
    if (!calc) {
      if (broken.has(name)) throw new ExpressionError(`calculated field ${name}: ${broken.get(name)}`);
      if (!types.has(name) && !(name in row))
        throw new RenderError(`column ${name} is not in data set ${id}`);
      return row[name];
    }
    let m = cache.get(row);
    if (m?.has(name)) return m.get(name);
    if (computing.has(name)) throw new ExpressionError(`calculated field ${name} refers to itself`);
    computing.add(name);
    try {
      const v = evaluate(calc, ctx, row);
      if (!m) {
        m = new Map();
        cache.set(row, m);
      }
      m.set(name, v);
      return v;
    } finally {
      computing.delete(name);
    }
  }
  const kinds = new Map<string, ValueKind>();
  return {
    id,
    rows: data.rows,
    value,
    has: (name) => types.has(name) || rowCalcs.has(name) || aggregateCalcs.has(name),
    kindOf(name) {
      const known = kindOfType(types.get(name));
      if (known) return known;
      if (aggregateCalcs.has(name)) return 'number';
      let k = kinds.get(name);
      if (!k) {
        k = 'string';
        for (const r of data.rows) {
          const v = rowCalcs.has(name) ? value(name, r) : r[name];
          if (v === null || v === undefined) continue;
          k = typeof v === 'number' || typeof v === 'bigint' ? 'number' : 'string';
          break;
        }
        kinds.set(name, k);
      }
      return k;
    },
    aggregateCalcs,
    ctx,
    columnType: (name) => types.get(name),
  };
}
