/**
 * The files of quicksight/: JSON read with the position of every member, so that each problem
 * found later can be pinned to a line and column. A small parser of its own, because
 * JSON.parse says neither where a syntax error is (portably) nor where a value was, and it
 * silently keeps the last of two members with the same name.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readRepoText } from '../load/repo-file.js';
import { type Diagnostic, fieldPath } from '../model/diagnostics.js';
import {
  QUICKSIGHT_DIRS,
  QUICKSIGHT_KINDS,
  type QuickSightKind,
  type QuickSightSource,
} from '../model/quicksight.js';
import { isRecord, present } from '../model/values.js';

export const QUICKSIGHT_DIR = 'quicksight';

export type JsonPath = readonly (string | number)[];

/**
 * Objects and lists nested deeper than this are refused (the parser is recursive: 100,000 levels
 * would overflow the stack). QuickSight's deepest definitions nest some 20 levels.
 */
export const MAX_JSON_DEPTH = 128;

interface Located {
  /** Offset of the value's first character. */
  value: number;
  /** Offset of the member name's opening quote, for members of objects. */
  key?: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** A parsed JSON text that can say where any value in it is. */
export class JsonDocument {
  private constructor(
    readonly text: string,
    readonly value: unknown,
    private readonly locations: Map<string, Located>,
    private readonly lineStarts: number[],
  ) {}

  /** Parses `text`; throws JsonSyntaxError (with the offset) on invalid JSON or a repeated member. */
  static parse(text: string): JsonDocument {
    const locations = new Map<string, Located>();
    const value = new Parser(text, locations).document();
    return new JsonDocument(text, value, locations, lineStarts(text));
  }

  /** 1-based line and column of an offset. */
  positionOf(offset: number): { line: number; column: number } {
    return positionIn(this.lineStarts, offset);
  }

  /**
   * Where the value at `path` starts, or, with `key`, where that member's name is written; a
   * path that does not exist falls back to its deepest existing ancestor.
   */
  position(path: JsonPath, opts: { key?: boolean } = {}): { line: number; column: number } {
    for (let n = path.length; n >= 0; n--) {
      const at = this.locations.get(pathKey(path.slice(0, n)));
      if (!at) continue;
      const offset = opts.key && n === path.length && at.key !== undefined ? at.key : at.value;
      return this.positionOf(offset);
    }
    return { line: 1, column: 1 };
  }
}

const documents = new WeakMap<QuickSightSource, JsonDocument>();

/** The positions of a source's text (parsed once per source). */
export function documentOf(source: QuickSightSource): JsonDocument {
  let doc = documents.get(source);
  if (!doc) {
    try {
      doc = JsonDocument.parse(source.text);
    } catch {
      // A source made in code whose text is not its JSON: positions fall back to 1:1.
      doc = JsonDocument.parse('{}');
    }
    documents.set(source, doc);
  }
  return doc;
}

/** A diagnostic at a path of a source: at the member's name with `key`, else at its value. */
export function diagnosticAt(
  source: QuickSightSource,
  path: JsonPath,
  message: string,
  opts: { key?: boolean; severity?: Diagnostic['severity'] } = {},
): Diagnostic {
  const { line, column } = documentOf(source).position(path, { key: opts.key ?? false });
  return {
    severity: opts.severity ?? 'error',
    file: source.file,
    line,
    column,
    field: fieldPath(path),
    message,
  };
}

/** The id member of each kind's files. */
export const ID_MEMBER: Record<QuickSightKind, string> = {
  'quicksight-data-source': 'DataSourceId',
  'quicksight-data-set': 'DataSetId',
  'quicksight-refresh-schedule': 'ScheduleId',
  'quicksight-analysis': 'AnalysisId',
  'quicksight-dashboard': 'DashboardId',
};

/** Parses one file of quicksight/; a syntax error or a top level that is not an object is a diagnostic. */
export function parseQuickSightSource(
  kind: QuickSightKind,
  file: string,
  text: string,
): { source?: QuickSightSource; diagnostics: Diagnostic[] } {
  let doc: JsonDocument;
  try {
    doc = JsonDocument.parse(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const { line, column } = positionIn(lineStarts(text), e.offset);
    return {
      diagnostics: [
        { severity: 'error', file, line, column, field: '', message: `JSON syntax: ${e.message}` },
      ],
    };
  }
  const json = doc.value;
  if (!isRecord(json)) {
    return {
      diagnostics: [
        {
          severity: 'error',
          file,
          line: 1,
          column: 1,
          field: '',
          message: `the file must hold one JSON object (the request body), not ${jsonTypeName(json)}`,
        },
      ],
    };
  }
  const idValue = json[ID_MEMBER[kind]];
  const source: QuickSightSource = {
    kind,
    file,
    text,
    json,
    id: typeof idValue === 'string' ? idValue : '',
  };
  documents.set(source, doc);
  return { source, diagnostics: [] };
}

/** Reads every quicksight/<dir>/*.json under `root`; a missing quicksight/ is no files. */
export async function readQuickSightSources(
  root: string,
): Promise<{ sources: QuickSightSource[]; diagnostics: Diagnostic[] }> {
  const sources: QuickSightSource[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const kind of QUICKSIGHT_KINDS) {
    const dir = `${QUICKSIGHT_DIR}/${QUICKSIGHT_DIRS[kind]}`;
    let names: string[];
    try {
      names = (await readdir(join(root, dir))).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code !== 'ENOTDIR') throw e;
      const message = `is a file, not a directory: ${dir}/ holds one <id>.json file per definition`;
      diagnostics.push({ severity: 'error', file: dir, line: 1, column: 1, field: '', message });
      continue;
    }
    for (const name of names) {
      const file = `${dir}/${name}`;
      if (!name.endsWith('.json')) {
        if (!name.startsWith('.'))
          diagnostics.push({
            severity: 'warning',
            file,
            line: 1,
            column: 1,
            field: '',
            message: `not a .json file; ${dir}/ holds only <id>.json files, so this one is ignored`,
          });
        continue;
      }
      const read = await readRepoText(root, file);
      if ('problem' in read) diagnostics.push(read.problem);
      if (!('text' in read)) continue;
      const parsed = parseQuickSightSource(kind, file, read.text);
      diagnostics.push(...parsed.diagnostics);
      if (parsed.source) sources.push(parsed.source);
    }
  }
  return { sources, diagnostics };
}

export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function positionIn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly locations: Map<string, Located>,
  ) {}

  document(): unknown {
    // A byte-order mark is not JSON but editors write it.
    if (this.text.charCodeAt(0) === 0xfeff) this.i = 1;
    this.space();
    const v = this.value([]);
    this.space();
    if (this.i < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the document`);
    return v;
  }

  private value(path: (string | number)[], key?: number): unknown {
    this.space();
    const start = this.i;
    const loc: Located = { value: start, ...present({ key }) };
    this.locations.set(pathKey(path), loc);
    const c = this.text[this.i];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = this.i;
      const m = NUMBER.exec(this.text);
      if (!m) this.fail(`invalid number`);
      this.i += (m as RegExpExecArray)[0].length;
      return Number((m as RegExpExecArray)[0]);
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    if (c === undefined) this.fail('unexpected end of file; a value is missing');
    return this.fail(`unexpected ${this.describe()}; expected a value`);
  }

  private object(path: (string | number)[]): Record<string, unknown> {
    this.nested(path);
    this.i++; // {
    const out: Record<string, unknown> = {};
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"')
        this.fail(
          this.text[this.i] === '}'
            ? 'a comma before } (JSON allows no trailing comma)'
            : `expected a member name in double quotes, found ${this.describe()}`,
        );
      const keyAt = this.i;
      const name = this.string();
      if (Object.hasOwn(out, name)) {
        this.i = keyAt;
        this.fail(`member '${name}' appears twice in this object`);
      }
      this.space();
      if (this.text[this.i] !== ':') this.fail(`expected ':' after "${name}", found ${this.describe()}`);
      this.i++;
      // Object.defineProperty: a member named __proto__ stays data.
      Object.defineProperty(out, name, {
        value: this.value([...path, name], keyAt),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.space();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return out;
      }
      this.fail(`expected ',' or '}' after the value of "${name}", found ${this.describe()}`);
    }
  }

  private array(path: (string | number)[]): unknown[] {
    this.nested(path);
    this.i++; // [
    const out: unknown[] = [];
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] === ']') this.fail('a comma before ] (JSON allows no trailing comma)');
      out.push(this.value([...path, out.length]));
      this.space();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail(`expected ',' or ']' after a list item, found ${this.describe()}`);
    }
  }

  /** A JSON string: no raw control characters, only the escapes JSON allows. */
  private string(): string {
    const start = this.i;
    let out = '';
    this.i++; // "
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) {
        this.i = start;
        this.fail('unterminated string');
      }
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.text[this.i + 1] ?? '';
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(Number.parseInt(this.text.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
          continue;
        }
        const plain = ESCAPES[e];
        if (plain === undefined) this.fail(`invalid escape \\${e} in a string`);
        out += plain;
        this.i += 2;
        continue;
      }
      if ((c.codePointAt(0) ?? 0) < 0x20)
        this.fail('a raw control character (such as a line break) in a string');
      out += c;
      this.i++;
    }
  }

  /** Refuses an object or list at `path` nested deeper than MAX_JSON_DEPTH. */
  private nested(path: (string | number)[]): void {
    if (path.length >= MAX_JSON_DEPTH)
      this.fail(
        `objects and lists nested more than ${MAX_JSON_DEPTH} levels deep; no QuickSight definition nests this deep: is the file damaged?`,
      );
  }

  private space(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '/' && (this.text[this.i + 1] === '/' || this.text[this.i + 1] === '*'))
        this.fail('comments are not allowed in JSON');
      else return;
    }
  }

  private describe(): string {
    const c = this.text[this.i];
    if (c === undefined) return 'the end of the file';
    return `'${c}'`;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, Math.min(this.i, this.text.length));
  }
}
