/**
 * A subset of the QuickSight calculated-field language, enough for the calculations a compliance
 * dashboard needs: field references (`{name}` or `name`), parameters (`${name}`), numbers, strings,
 * NULL, arithmetic, comparisons, AND / OR / NOT, row functions (ifelse, coalesce, isNull, round, …)
 * and aggregations (sum, avg, count, distinct_count, min, max, median, sumIf, countIf, …).
 * Anything else is an ExpressionError naming what is not supported, never a silent wrong number.
 */
import type { Row } from './types.js';

export class ExpressionError extends Error {}

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'null' }
  | { k: 'col'; name: string }
  | { k: 'param'; name: string }
  | { k: 'list'; items: Expr[] }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'un'; op: string; e: Expr };

type Token =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'id'; v: string }
  | { t: 'col'; v: string }
  | { t: 'param'; v: string }
  | { t: 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '{') {
      const end = src.indexOf('}', i);
      if (end < 0) throw new ExpressionError(`unclosed { in ${src}`);
      out.push({ t: 'col', v: src.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '$' && src.charAt(i + 1) === '{') {
      const end = src.indexOf('}', i);
      if (end < 0) throw new ExpressionError(`unclosed \${ in ${src}`);
      out.push({ t: 'param', v: src.slice(i + 2, end) });
      i = end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src.charAt(j) !== c) {
        if (src.charAt(j) === '\\' && j + 1 < src.length) j++;
        s += src.charAt(j);
        j++;
      }
      if (j >= src.length) throw new ExpressionError(`unclosed string in ${src}`);
      out.push({ t: 'str', v: s });
      i = j + 1;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new ExpressionError(`bad number at ${src.slice(i)}`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      const word = m?.[0] ?? c;
      out.push({ t: 'id', v: word });
      i += word.length;
    } else {
      const two = src.slice(i, i + 2);
      if (two === '<=' || two === '>=' || two === '<>' || two === '!=') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if ('+-*/%^()=<>,[]'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else throw new ExpressionError(`unexpected '${c}' in ${src}`);
    }
  }
  return out;
}

/** Parses an expression; throws ExpressionError with what is wrong. */
export function parseExpression(src: string): Expr {
  return new Parser(tokenize(src), src).expression();
}

/**
 * Recursive descent over the tokens, loosest binding first: OR, AND, NOT, comparisons, + and -,
 * * / and %, unary minus and plus, ^ (right-associative), then primaries.
 */
class Parser {
  private readonly toks: Token[];
  private readonly src: string;
  private p = 0;

  constructor(toks: Token[], src: string) {
    this.toks = toks;
    this.src = src;
  }

  /** The whole input as one expression. */
  expression(): Expr {
    const e = this.or();
    if (this.p < this.toks.length) throw new ExpressionError(`unexpected trailing input in ${this.src}`);
    return e;
  }

  private peek(): Token | undefined {
    return this.toks[this.p];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'op' && t.v === v;
  }

  private isWord(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'id' && t.v.toUpperCase() === v;
  }

  private expect(v: string): void {
    if (!this.isOp(v)) throw new ExpressionError(`expected '${v}' in ${this.src}`);
    this.p++;
  }

  private or(): Expr {
    let l = this.and();
    while (this.isWord('OR')) {
      this.p++;
      l = { k: 'bin', op: 'OR', l, r: this.and() };
    }
    return l;
  }

  private and(): Expr {
    let l = this.not();
    while (this.isWord('AND')) {
      this.p++;
      l = { k: 'bin', op: 'AND', l, r: this.not() };
    }
    return l;
  }

  private not(): Expr {
    if (this.isWord('NOT')) {
      this.p++;
      return { k: 'un', op: 'NOT', e: this.not() };
    }
    return this.cmp();
  }

  private cmp(): Expr {
    const l = this.add();
    const t = this.peek();
    if (t?.t === 'op' && ['=', '<>', '!=', '<', '>', '<=', '>='].includes(t.v)) {
      this.p++;
      return { k: 'bin', op: t.v === '!=' ? '<>' : t.v, l, r: this.add() };
    }
    return l;
  }

  private add(): Expr {
    let l = this.mul();
    for (let t = this.peek(); t?.t === 'op' && (t.v === '+' || t.v === '-'); t = this.peek()) {
      this.p++;
      l = { k: 'bin', op: t.v, l, r: this.mul() };
    }
    return l;
  }

  private mul(): Expr {
    let l = this.unary();
    for (let t = this.peek(); t?.t === 'op' && (t.v === '*' || t.v === '/' || t.v === '%'); t = this.peek()) {
      this.p++;
      l = { k: 'bin', op: t.v, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Expr {
    if (this.isOp('-')) {
      this.p++;
      return { k: 'un', op: '-', e: this.unary() };
    }
    if (this.isOp('+')) {
      this.p++;
      return this.unary();
    }
    return this.pow();
  }

  private pow(): Expr {
    const base = this.primary();
    if (this.isOp('^')) {
      this.p++;
      return { k: 'bin', op: '^', l: base, r: this.unary() };
    }
    return base;
  }

  private primary(): Expr {
    const t = this.peek();
    if (!t) throw new ExpressionError(`unexpected end of ${this.src}`);
    this.p++;
    switch (t.t) {
      case 'num':
        return { k: 'num', v: t.v };
      case 'str':
        return { k: 'str', v: t.v };
      case 'col':
        return { k: 'col', name: t.v };
      case 'param':
        return { k: 'param', name: t.v };
      case 'id':
        if (this.isOp('(')) {
          this.p++;
          return { k: 'call', fn: t.v.toLowerCase(), args: this.items(')') };
        }
        if (t.v.toUpperCase() === 'NULL') return { k: 'null' };
        return { k: 'col', name: t.v };
      case 'op':
        if (t.v === '(') {
          const e = this.or();
          this.expect(')');
          return e;
        }
        if (t.v === '[') return { k: 'list', items: this.items(']') };
        throw new ExpressionError(`unexpected '${t.v}' in ${this.src}`);
    }
  }

  /** Comma-separated expressions up to and including `close` (function arguments, list items). */
  private items(close: string): Expr[] {
    const items: Expr[] = [];
    if (!this.isOp(close)) {
      items.push(this.or());
      while (this.isOp(',')) {
        this.p++;
        items.push(this.or());
      }
    }
    this.expect(close);
    return items;
  }
}

const AGGREGATES = new Set([
  'sum',
  'avg',
  'average',
  'min',
  'max',
  'count',
  'distinct_count',
  'median',
  'stdev',
  'stdevp',
  'var',
  'varp',
  'sumif',
  'avgif',
  'countif',
  'distinct_countif',
  'minif',
  'maxif',
  'medianif',
]);

/** Whether the expression aggregates (so it is computed per group, not per row). */
export function isAggregate(e: Expr): boolean {
  switch (e.k) {
    case 'call':
      return AGGREGATES.has(e.fn) || e.args.some(isAggregate);
    case 'bin':
      return isAggregate(e.l) || isAggregate(e.r);
    case 'un':
      return isAggregate(e.e);
    case 'list':
      return e.items.some(isAggregate);
    default:
      return false;
  }
}

/** Columns the expression names. */
export function columnsOf(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.k) {
    case 'col':
      out.add(e.name);
      break;
    case 'call':
      for (const a of e.args) columnsOf(a, out);
      break;
    case 'bin':
      columnsOf(e.l, out);
      columnsOf(e.r, out);
      break;
    case 'un':
      columnsOf(e.e, out);
      break;
    case 'list':
      for (const a of e.items) columnsOf(a, out);
      break;
  }
  return out;
}

export interface EvalContext {
  /** The value of a column (or row-level calculated field) in a row. */
  column(name: string, row: Row): unknown;
  /** Parameter values by name. */
  params: ReadonlyMap<string, unknown>;
  /** "now" for now() (the page's generation time). */
  now: Date;
}

export function isNullish(v: unknown): v is null | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

export function toNumber(v: unknown): number | null {
  if (isNullish(v) || v === '') return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function truthy(v: unknown): boolean {
  return v === true || (typeof v === 'number' && v !== 0) || v === 'true';
}

function compare(a: unknown, b: unknown): number {
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== null && nb !== null && typeof a !== 'string' && typeof b !== 'string') return na - nb;
  if (na !== null && nb !== null && typeof a === typeof b && typeof a === 'number') return na - nb;
  return String(a).localeCompare(String(b));
}

/** Aggregates numbers the way QuickSight's simple numerical aggregations do (nulls ignored). */
export function aggregateValues(fn: string, values: unknown[]): number | null {
  const f = fn.toUpperCase();
  if (f === 'COUNT') return values.filter((v) => !isNullish(v)).length;
  if (f === 'DISTINCT_COUNT') return new Set(values.filter((v) => !isNullish(v)).map((v) => String(v))).size;
  const nums = values.map(toNumber).filter((v): v is number => v !== null);
  if (nums.length === 0) return null;
  switch (f) {
    case 'SUM':
      return nums.reduce((a, b) => a + b, 0);
    case 'AVERAGE':
    case 'AVG':
      return nums.reduce((a, b) => a + b, 0) / nums.length;
    case 'MIN':
      return Math.min(...nums);
    case 'MAX':
      return Math.max(...nums);
    case 'MEDIAN': {
      const s = [...nums].sort((a, b) => a - b);
      const m = Math.floor(s.length / 2);
      return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
    }
    case 'VAR':
    case 'VARP':
    case 'STDEV':
    case 'STDEVP': {
      const sample = f === 'VAR' || f === 'STDEV';
      if (sample && nums.length < 2) return null;
      const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
      const v = nums.reduce((a, b) => a + (b - mean) ** 2, 0) / (nums.length - (sample ? 1 : 0));
      return f.startsWith('STDEV') ? Math.sqrt(v) : v;
    }
    default:
      throw new ExpressionError(`aggregation ${fn} is not supported`);
  }
}

/** Min / max over values that may be dates or strings (for date and categorical MIN/MAX). */
export function extremeValue(fn: 'MIN' | 'MAX', values: unknown[]): unknown {
  let best: unknown = null;
  for (const v of values) {
    if (isNullish(v)) continue;
    if (best === null || (fn === 'MIN' ? compare(v, best) < 0 : compare(v, best) > 0)) best = v;
  }
  return best;
}

function toDate(v: unknown): Date | null {
  if (isNullish(v) || v === '') return null;
  if (v instanceof Date) return v;
  const s = String(v);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Number.isNaN(d.getTime()) ? null : d;
}

const DAY_MS = 86_400_000;

/**
 * Evaluates an expression. With `rows` (a group), aggregations run over the group; a bare column
 * outside an aggregation then takes the group's first row (QuickSight would refuse it).
 */
export function evaluate(e: Expr, ctx: EvalContext, row: Row | null, rows: Row[] | null = null): unknown {
  const ev = (x: Expr, r: Row | null = row) => evaluate(x, ctx, r, rows);
  switch (e.k) {
    case 'num':
      return e.v;
    case 'str':
      return e.v;
    case 'null':
      return null;
    case 'param':
      if (!ctx.params.has(e.name)) throw new ExpressionError(`parameter \${${e.name}} has no value`);
      return ctx.params.get(e.name);
    case 'col': {
      const r = row ?? rows?.[0];
      return r ? ctx.column(e.name, r) : null;
    }
    case 'list':
      return e.items.map((x) => ev(x));
    case 'un': {
      const v = ev(e.e);
      if (e.op === 'NOT') return isNullish(v) ? null : !truthy(v);
      const n = toNumber(v);
      return n === null ? null : -n;
    }
    case 'bin': {
      if (e.op === 'AND') return truthy(ev(e.l)) && truthy(ev(e.r));
      if (e.op === 'OR') return truthy(ev(e.l)) || truthy(ev(e.r));
      const a = ev(e.l);
      const b = ev(e.r);
      if (isNullish(a) || isNullish(b)) return null;
      switch (e.op) {
        case '=':
          return compare(a, b) === 0;
        case '<>':
          return compare(a, b) !== 0;
        case '<':
          return compare(a, b) < 0;
        case '>':
          return compare(a, b) > 0;
        case '<=':
          return compare(a, b) <= 0;
        case '>=':
          return compare(a, b) >= 0;
      }
      const x = toNumber(a);
      const y = toNumber(b);
      if (x === null || y === null) throw new ExpressionError(`'${e.op}' needs numbers`);
      switch (e.op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          return y === 0 ? null : x / y;
        case '%':
          return y === 0 ? null : x % y;
        case '^':
          return x ** y;
      }
      throw new ExpressionError(`operator ${e.op} is not supported`);
    }
    case 'call':
      return call(e.fn, e.args, ctx, row, rows);
  }
}

function call(fn: string, args: Expr[], ctx: EvalContext, row: Row | null, rows: Row[] | null): unknown {
  const c: Call = {
    fn,
    args,
    ctx,
    ev: (x) => (x ? evaluate(x, ctx, row, rows) : null),
    arity: (n) => {
      if (args.length < n) throw new ExpressionError(`${fn}() needs ${n} argument(s)`);
    },
  };
  if (AGGREGATES.has(fn)) return aggregateCall(c, rows);
  for (const family of [conditionCall, numberCall, textCall, dateCall]) {
    const value = family(c);
    if (value !== NOT_HERE) return value;
  }
  throw new ExpressionError(`function ${fn}() is not supported by the local renderer`);
}

/** A function call being evaluated: its name and arguments, and how to evaluate them. */
interface Call {
  fn: string;
  args: Expr[];
  ctx: EvalContext;
  /** Evaluates an argument (null when it is missing) in the call's row or group. */
  ev: (x: Expr | undefined) => unknown;
  /** Throws unless there are at least `n` arguments. */
  arity: (n: number) => void;
}

/** What a family of functions returns for a function that is not one of its own. */
const NOT_HERE = Symbol('not in this family');

/** sum, avg, countIf, …: over the group, or the rows of the group the condition holds for. */
function aggregateCall({ fn, args, ctx, arity }: Call, rows: Row[] | null): unknown {
  if (!rows) throw new ExpressionError(`${fn}() needs a group (use it in a measure)`);
  arity(1);
  const arg = args[0] as Expr;
  const conditional = fn.endsWith('if');
  const base = conditional ? fn.slice(0, -2) : fn;
  if (conditional) arity(2);
  const picked = conditional ? rows.filter((r) => truthy(evaluate(args[1] as Expr, ctx, r, null))) : rows;
  const values = picked.map((r) => evaluate(arg, ctx, r, null));
  const name = base === 'avg' ? 'AVERAGE' : base.toUpperCase();
  if ((name === 'MIN' || name === 'MAX') && values.some((v) => typeof v === 'string' && toNumber(v) === null))
    return extremeValue(name, values);
  return aggregateValues(name, values);
}

/** ifelse, coalesce, isNull, isNotNull, in, notIn. */
function conditionCall({ fn, args, ev, arity }: Call): unknown {
  switch (fn) {
    case 'ifelse': {
      if (args.length < 3 || args.length % 2 === 0)
        throw new ExpressionError('ifelse() takes condition, value pairs and an else value');
      for (let i = 0; i + 1 < args.length; i += 2) if (truthy(ev(args[i]))) return ev(args[i + 1]);
      return ev(args[args.length - 1]);
    }
    case 'coalesce':
      for (const a of args) {
        const v = ev(a);
        if (!isNullish(v)) return v;
      }
      return null;
    case 'isnull':
      arity(1);
      return isNullish(ev(args[0]));
    case 'isnotnull':
      arity(1);
      return !isNullish(ev(args[0]));
    case 'in':
    case 'notin': {
      arity(2);
      const v = ev(args[0]);
      const list = ev(args[1]);
      const found = Array.isArray(list) && list.some((x) => compare(x, v) === 0);
      return fn === 'in' ? found : !found;
    }
    default:
      return NOT_HERE;
  }
}

/** round, floor, ceil, abs and the conversions between integers and decimals. */
function numberCall({ fn, args, ev, arity }: Call): unknown {
  switch (fn) {
    case 'round':
    case 'floor':
    case 'ceil':
    case 'abs': {
      arity(1);
      const n = toNumber(ev(args[0]));
      if (n === null) return null;
      if (fn === 'round') {
        const d = args[1] ? (toNumber(ev(args[1])) ?? 0) : 0;
        return Math.round(n * 10 ** d) / 10 ** d;
      }
      return fn === 'floor' ? Math.floor(n) : fn === 'ceil' ? Math.ceil(n) : Math.abs(n);
    }
    case 'decimaltoint':
    case 'toint':
    case 'parseint': {
      const n = toNumber(ev(args[0]));
      return n === null ? null : Math.trunc(n);
    }
    case 'inttodecimal':
    case 'parsedecimal':
      return toNumber(ev(args[0]));
    default:
      return NOT_HERE;
  }
}

/** toString, concat, toLower, toUpper, trim, strlen, left, right, substring, replace, contains, … */
function textCall({ fn, args, ev, arity }: Call): unknown {
  switch (fn) {
    case 'tostring': {
      const v = ev(args[0]);
      return isNullish(v) ? null : String(v);
    }
    case 'concat':
      return args.map((a) => String(ev(a) ?? '')).join('');
    case 'tolower':
      return ev(args[0]) === null ? null : String(ev(args[0])).toLowerCase();
    case 'toupper':
      return ev(args[0]) === null ? null : String(ev(args[0])).toUpperCase();
    case 'trim':
      return ev(args[0]) === null ? null : String(ev(args[0])).trim();
    case 'strlen':
      return ev(args[0]) === null ? null : String(ev(args[0])).length;
    case 'left':
    case 'right': {
      arity(2);
      const s = ev(args[0]);
      const n = toNumber(ev(args[1])) ?? 0;
      if (isNullish(s)) return null;
      return fn === 'left' ? String(s).slice(0, n) : String(s).slice(Math.max(0, String(s).length - n));
    }
    case 'substring': {
      arity(3);
      const s = ev(args[0]);
      if (isNullish(s)) return null;
      const start = (toNumber(ev(args[1])) ?? 1) - 1;
      return String(s).substring(start, start + (toNumber(ev(args[2])) ?? 0));
    }
    case 'replace': {
      arity(3);
      const s = ev(args[0]);
      return isNullish(s)
        ? null
        : String(s)
            .split(String(ev(args[1])))
            .join(String(ev(args[2])));
    }
    case 'contains':
    case 'startswith':
    case 'endswith': {
      arity(2);
      const s = ev(args[0]);
      if (isNullish(s)) return null;
      const sub = String(ev(args[1]));
      return fn === 'contains'
        ? String(s).includes(sub)
        : fn === 'startswith'
          ? String(s).startsWith(sub)
          : String(s).endsWith(sub);
    }
    default:
      return NOT_HERE;
  }
}

/** now, dateDiff, addDateTime. */
function dateCall({ fn, args, ctx, ev, arity }: Call): unknown {
  switch (fn) {
    case 'now':
      return ctx.now.toISOString();
    case 'datediff': {
      arity(2);
      const a = toDate(ev(args[0]));
      const b = toDate(ev(args[1]));
      if (!a || !b) return null;
      const unit = String(ev(args[2]) ?? 'DD').toUpperCase();
      const ms = b.getTime() - a.getTime();
      if (unit === 'DD') return Math.trunc(ms / DAY_MS);
      if (unit === 'HH') return Math.trunc(ms / 3_600_000);
      if (unit === 'MI') return Math.trunc(ms / 60_000);
      if (unit === 'SS') return Math.trunc(ms / 1000);
      if (unit === 'WK') return Math.trunc(ms / (7 * DAY_MS));
      if (unit === 'MM')
        return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
      if (unit === 'YYYY') return b.getUTCFullYear() - a.getUTCFullYear();
      throw new ExpressionError(`dateDiff period ${unit} is not supported`);
    }
    case 'adddatetime': {
      arity(3);
      const amount = toNumber(ev(args[0])) ?? 0;
      const unit = String(ev(args[1])).toUpperCase();
      const d = toDate(ev(args[2]));
      if (!d) return null;
      const out = new Date(d.getTime());
      if (unit === 'DD') out.setUTCDate(out.getUTCDate() + amount);
      else if (unit === 'WK') out.setUTCDate(out.getUTCDate() + 7 * amount);
      else if (unit === 'MM') out.setUTCMonth(out.getUTCMonth() + amount);
      else if (unit === 'YYYY') out.setUTCFullYear(out.getUTCFullYear() + amount);
      else if (unit === 'HH') out.setTime(out.getTime() + amount * 3_600_000);
      else throw new ExpressionError(`addDateTime period ${unit} is not supported`);
      return out.toISOString();
    }
    default:
      return NOT_HERE;
  }
}
