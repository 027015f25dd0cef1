/**
 * Value formatting from QuickSight format configurations: number (decimal places, separators,
 * scale, prefix / suffix, negative display), percentage, currency, date-time patterns and null
 * strings. Fields without a format get QuickSight-like defaults by column type.
 */
import type {
  DateTimeFormatConfiguration,
  FormatConfiguration,
  NumberFormatConfiguration,
  NumericFormatConfiguration,
  StringFormatConfiguration,
} from '@aws-sdk/client-quicksight';
import { isNullish, toNumber } from './expression.js';

/** What a value is, for formatting. */
export type ValueKind = 'number' | 'date' | 'string';

/** A field's format, whatever member of the definition it came from. */
export interface ValueFormat {
  numeric?: NumericFormatConfiguration;
  /** A date-time pattern such as `YYYY-MM-DD` or `MMM D, YYYY`. */
  dateTime?: string;
  nullString?: string;
}

/** Any of the format configurations a field, column configuration or unaggregated field carries. */
export type AnyFormatConfiguration =
  | FormatConfiguration
  | NumberFormatConfiguration
  | StringFormatConfiguration
  | DateTimeFormatConfiguration;

/** Reads any format configuration into a ValueFormat (undefined members skipped). */
export function valueFormat(fc: AnyFormatConfiguration | undefined): ValueFormat {
  if (!fc) return {};
  const out: ValueFormat = {};
  const f = fc as FormatConfiguration &
    NumberFormatConfiguration &
    StringFormatConfiguration &
    DateTimeFormatConfiguration;
  const number = f.NumberFormatConfiguration?.FormatConfiguration;
  const str = f.StringFormatConfiguration;
  const date = f.DateTimeFormatConfiguration ?? (f.DateTimeFormat !== undefined ? f : undefined);
  // NumberFormatConfiguration { FormatConfiguration: NumericFormatConfiguration }
  const numeric =
    number ??
    (isNumeric(f.FormatConfiguration) ? f.FormatConfiguration : undefined) ??
    str?.NumericFormatConfiguration ??
    date?.NumericFormatConfiguration ??
    f.NumericFormatConfiguration;
  if (numeric) out.numeric = numeric;
  if (date?.DateTimeFormat) out.dateTime = date.DateTimeFormat;
  const nullString =
    date?.NullValueFormatConfiguration?.NullString ??
    str?.NullValueFormatConfiguration?.NullString ??
    f.NullValueFormatConfiguration?.NullString ??
    numericNull(numeric);
  if (nullString !== undefined) out.nullString = nullString;
  return out;
}

function isNumeric(x: unknown): x is NumericFormatConfiguration {
  if (!x || typeof x !== 'object') return false;
  return (
    'NumberDisplayFormatConfiguration' in x ||
    'PercentageDisplayFormatConfiguration' in x ||
    'CurrencyDisplayFormatConfiguration' in x
  );
}

function numericNull(n: NumericFormatConfiguration | undefined): string | undefined {
  return (
    n?.NumberDisplayFormatConfiguration?.NullValueFormatConfiguration?.NullString ??
    n?.PercentageDisplayFormatConfiguration?.NullValueFormatConfiguration?.NullString ??
    n?.CurrencyDisplayFormatConfiguration?.NullValueFormatConfiguration?.NullString
  );
}

/** Merges formats: members of `a` win over those of `b`. */
export function mergeFormats(a: ValueFormat, b: ValueFormat): ValueFormat {
  return { ...b, ...a };
}

const SYMBOLS: Record<string, string> = { COMMA: ',', DOT: '.', SPACE: '\u202f' };
const CURRENCIES: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', INR: '₹', CNY: '¥' };
const SCALES: Record<string, [number, string]> = {
  THOUSANDS: [1e3, 'K'],
  MILLIONS: [1e6, 'M'],
  BILLIONS: [1e9, 'B'],
  TRILLIONS: [1e12, 'T'],
  LAKHS: [1e5, 'L'],
  CRORES: [1e7, 'Cr'],
};

export interface NumberStyle {
  decimals?: number;
  thousands: string;
  decimal: string;
  scale?: string;
  prefix: string;
  suffix: string;
  parentheses: boolean;
  percent: boolean;
}

function digits(n: number, style: NumberStyle): string {
  const abs = Math.abs(n);
  const fixed =
    style.decimals !== undefined
      ? abs.toFixed(style.decimals)
      : Number.isInteger(abs)
        ? abs.toFixed(0)
        : String(Number(abs.toFixed(2)));
  const [int = '0', frac] = fixed.split('.');
  const grouped = style.thousands ? int.replace(/\B(?=(\d{3})+(?!\d))/g, style.thousands) : int;
  return frac ? `${grouped}${style.decimal}${frac}` : grouped;
}

export function styleOf(n: NumericFormatConfiguration | undefined): NumberStyle {
  const cfg =
    n?.PercentageDisplayFormatConfiguration ??
    n?.CurrencyDisplayFormatConfiguration ??
    n?.NumberDisplayFormatConfiguration;
  const sep = cfg?.SeparatorConfiguration;
  const thousandsVisible = sep?.ThousandsSeparator?.Visibility !== 'HIDDEN';
  const style: NumberStyle = {
    thousands: thousandsVisible ? (SYMBOLS[sep?.ThousandsSeparator?.Symbol ?? 'COMMA'] ?? ',') : '',
    decimal: SYMBOLS[sep?.DecimalSeparator ?? 'DOT'] ?? '.',
    prefix: cfg?.Prefix ?? '',
    suffix: cfg?.Suffix ?? '',
    parentheses: cfg?.NegativeValueConfiguration?.DisplayMode === 'POSITIVE',
    percent: n?.PercentageDisplayFormatConfiguration !== undefined,
  };
  const decimals = cfg?.DecimalPlacesConfiguration?.DecimalPlaces;
  if (decimals !== undefined) style.decimals = decimals;
  const scale =
    n?.NumberDisplayFormatConfiguration?.NumberScale ?? n?.CurrencyDisplayFormatConfiguration?.NumberScale;
  if (scale) style.scale = scale;
  const currency = n?.CurrencyDisplayFormatConfiguration?.Symbol;
  if (currency && !style.prefix) style.prefix = CURRENCIES[currency] ?? `${currency} `;
  return style;
}

/** Formats a number with a numeric format configuration (default: thousands separators, up to 2 decimals). */
export function formatNumber(v: number, n: NumericFormatConfiguration | undefined): string {
  const style = styleOf(n);
  let x = style.percent ? v * 100 : v;
  let unit = '';
  let scale = style.scale;
  if (scale === 'AUTO') {
    const a = Math.abs(x);
    scale =
      a >= 1e12
        ? 'TRILLIONS'
        : a >= 1e9
          ? 'BILLIONS'
          : a >= 1e6
            ? 'MILLIONS'
            : a >= 1e3
              ? 'THOUSANDS'
              : 'NONE';
  }
  const s = scale ? SCALES[scale] : undefined;
  if (s) {
    x /= s[0];
    unit = s[1];
    if (style.decimals === undefined) style.decimals = Math.abs(x) < 10 ? 1 : 0;
  }
  const body = `${style.prefix}${digits(x, style)}${unit}${style.percent ? '%' : ''}${style.suffix}`;
  if (x < 0 && Number(digits(x, { ...style, thousands: '', decimal: '.' })) !== 0)
    return style.parentheses ? `(${body})` : `-${body}`;
  return body;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Parses a date value (Date, `YYYY-MM-DD`, ISO timestamp) as UTC. */
export function parseDate(v: unknown): Date | null {
  if (isNullish(v) || v === '') return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  const s = String(v);
  const d = new Date(
    /^\d{4}-\d{2}-\d{2}$/.test(s)
      ? `${s}T00:00:00Z`
      : /[zZ]|[+-]\d\d:?\d\d$/.test(s)
        ? s
        : `${s.replace(' ', 'T')}Z`,
  );
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Formats a date with a QuickSight / Moment-style pattern (`YYYY-MM-DD`, `MMM D, YYYY`, `[literal]`). */
export function formatDate(d: Date, pattern: string): string {
  return pattern.replace(
    /\[([^\]]*)]|YYYY|YY|Q|MMMM|MMM|MM|M|DDDD|DD|D|dddd|ddd|HH|H|hh|h|mm|ss|SSS|A|a/g,
    (tok, literal: string | undefined) => {
      if (literal !== undefined) return literal;
      const h = d.getUTCHours();
      switch (tok) {
        case 'YYYY':
          return String(d.getUTCFullYear());
        case 'YY':
          return pad(d.getUTCFullYear() % 100);
        case 'Q':
          return String(Math.floor(d.getUTCMonth() / 3) + 1);
        case 'MMMM':
          return MONTHS[d.getUTCMonth()] ?? '';
        case 'MMM':
          return (MONTHS[d.getUTCMonth()] ?? '').slice(0, 3);
        case 'MM':
          return pad(d.getUTCMonth() + 1);
        case 'M':
          return String(d.getUTCMonth() + 1);
        case 'DDDD': {
          const start = Date.UTC(d.getUTCFullYear(), 0, 1);
          return pad(Math.floor((d.getTime() - start) / 86_400_000) + 1, 3);
        }
        case 'DD':
          return pad(d.getUTCDate());
        case 'D':
          return String(d.getUTCDate());
        case 'dddd':
          return DAYS[d.getUTCDay()] ?? '';
        case 'ddd':
          return (DAYS[d.getUTCDay()] ?? '').slice(0, 3);
        case 'HH':
          return pad(h);
        case 'H':
          return String(h);
        case 'hh':
          return pad(h % 12 || 12);
        case 'h':
          return String(h % 12 || 12);
        case 'mm':
          return pad(d.getUTCMinutes());
        case 'ss':
          return pad(d.getUTCSeconds());
        case 'SSS':
          return pad(d.getUTCMilliseconds(), 3);
        case 'A':
          return h < 12 ? 'AM' : 'PM';
        case 'a':
          return h < 12 ? 'am' : 'pm';
        default:
          return tok;
      }
    },
  );
}

/** Default date pattern for a time granularity. */
export function defaultDatePattern(granularity: string | undefined): string {
  switch (granularity) {
    case 'YEAR':
      return 'YYYY';
    case 'QUARTER':
      return 'YYYY [Q]Q';
    case 'MONTH':
      return 'MMM YYYY';
    case 'HOUR':
      return 'MMM D, YYYY HH:00';
    case 'MINUTE':
      return 'MMM D, YYYY HH:mm';
    case 'SECOND':
    case 'MILLISECOND':
      return 'MMM D, YYYY HH:mm:ss';
    default:
      return 'MMM D, YYYY';
  }
}

/** Formats any value as text for a cell, a label or a KPI. */
export function formatValue(
  v: unknown,
  kind: ValueKind,
  fmt: ValueFormat = {},
  granularity?: string,
): string {
  if (isNullish(v) || v === '') return fmt.nullString ?? '';
  if (kind === 'number') {
    const n = toNumber(v);
    return n === null ? String(v) : formatNumber(n, fmt.numeric);
  }
  if (kind === 'date') {
    const d = parseDate(v);
    return d ? formatDate(d, fmt.dateTime ?? defaultDatePattern(granularity)) : String(v);
  }
  return String(v);
}
