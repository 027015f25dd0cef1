import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import { type Diagnostic, fieldPath, position, type Severity } from '../model/diagnostics.js';
import { errorMessage } from '../model/errors.js';
import { readRepoText } from './repo-file.js';

export type YamlPath = readonly (string | number)[];

/**
 * Flow collections (`[`, `{`) nested deeper than this are refused before parsing: the parser's
 * time grows with the depth (100,000 levels in 200 kB take it seconds), and no configuration
 * nests more than a few levels.
 */
export const MAX_FLOW_DEPTH = 64;
/**
 * Aliases may expand to at most this many nodes in all (the `yaml` package's measure): an alias
 * bomb ("billion laughs") expands a few hundred bytes into billions of values.
 */
export const MAX_ALIAS_COUNT = 100;

/** A parsed YAML file that can say where any value in it is. */
export class YamlFile {
  readonly diagnostics: Diagnostic[] = [];
  private constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): YamlFile {
    const lines = new LineCounter();
    const deep = flowTooDeep(text);
    if (deep !== undefined) {
      // Not parsed: an empty document stands in, with the one error.
      const yf = new YamlFile(file, text, parseDocument('', { lineCounter: lines }), lines);
      yf.diagnostics.push({
        severity: 'error',
        file,
        ...position(text, deep),
        field: '',
        message: `collections nested more than ${MAX_FLOW_DEPTH} levels deep ('[' or '{' inside each other); no configuration nests this deep: is the file damaged?`,
      });
      return yf;
    }
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const yf = new YamlFile(file, text, doc, lines);
    for (const e of doc.errors) {
      const offset = e.code === 'MISSING_CHAR' ? (openingQuoteOf(doc, e.pos[0]) ?? e.pos[0]) : e.pos[0];
      const { line, col } = lines.linePos(offset);
      yf.diagnostics.push({
        severity: 'error',
        file,
        line,
        column: col,
        field: '',
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      });
    }
    // An unquoted value starting with '*' is an alias to an anchor; one that names no anchor
    // would make toJS throw. Report it where it is written, with the fix.
    const anchors = new Set<string>();
    visit(doc, (_, node) => {
      const anchor = (node as { anchor?: string } | null)?.anchor;
      if (anchor) anchors.add(anchor);
    });
    visit(doc, {
      Alias(_, node, ancestors) {
        // A bare '*' is a syntax error already.
        if (node.source === '' || anchors.has(node.source)) return;
        const { line, col } = lines.linePos(node.range?.[0] ?? 0);
        // The field path: keys of the pairs and indexes in the lists on the way down.
        const parts: (string | number)[] = [];
        const chain = [...ancestors, node];
        chain.forEach((a, i) => {
          if (isPair(a) && isScalar(a.key)) parts.push(String(a.key.value));
          if (isSeq(a)) parts.push(a.items.findIndex((item) => item === chain[i + 1]));
        });
        yf.diagnostics.push({
          severity: 'error',
          file,
          line,
          column: col,
          field: fieldPath(parts),
          message: `*${node.source} is read by YAML as an alias of an anchor '&${node.source}' that is not defined; quote the value: '*${node.source}'`,
        });
      },
    });
    if (yf.ok) yf.checkAliasExpansion();
    return yf;
  }

  /**
   * Reads `file` under `root` (see readRepoText: inside the repository, within the size limit,
   * UTF-8) and parses it; a file that cannot be read is an empty document with the reason.
   */
  static async read(root: string, file: string): Promise<YamlFile> {
    const read = await readRepoText(root, file);
    if ('text' in read) return YamlFile.parse(file, read.text);
    const yf = YamlFile.parse(file, '');
    yf.diagnostics.push(
      'problem' in read
        ? read.problem
        : { severity: 'error', file, line: 1, column: 1, field: '', message: 'file not found' },
    );
    return yf;
  }

  /**
   * Expands the document once, with the alias limit: an alias bomb is reported on the first alias
   * instead of being thrown (or expanded) later. Aliases to missing anchors are reported already.
   */
  private checkAliasExpansion(): void {
    try {
      this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      let first: Node | null = null;
      visit(this.doc, {
        Alias(_, node) {
          first = node as unknown as Node;
          return visit.BREAK;
        },
      });
      const { line, column } = this.position(first);
      const message = /alias/i.test(errorMessage(e))
        ? `aliases ('*name') expand to more than ${MAX_ALIAS_COUNT} values in all, the mark of an alias bomb; write the values out, or use fewer aliases`
        : `cannot read the document: ${errorMessage(e)}`;
      this.diagnostics.push({ severity: 'error', file: this.file, line, column, field: '', message });
    }
  }

  get ok(): boolean {
    return this.diagnostics.every((d) => d.severity !== 'error');
  }

  /** Plain JS value of the document (YAML 1.2 core schema: dates stay strings). */
  data(): unknown {
    return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  }

  /** The node at a path, or the deepest existing ancestor. */
  nodeAt(path: YamlPath): Node | null {
    let node: unknown = this.doc.contents;
    for (const part of path) {
      const next = childOf(node, part);
      if (next === undefined) break;
      node = next;
    }
    return (node as Node | null) ?? null;
  }

  /** The key node of a mapping entry (for unknown keys), falling back to the value. */
  keyNodeAt(path: YamlPath, key: string): Node | null {
    const parent = this.nodeAt(path);
    if (isMap(parent)) {
      for (const item of parent.items) {
        if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key as Node;
      }
    }
    return parent;
  }

  position(node: Node | null): { line: number; column: number } {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** The line the value at a path starts on (for "first at line N"). */
  lineAt(path: YamlPath): number {
    return this.position(this.nodeAt(path)).line;
  }

  /** Source text of the scalar at a path, as written (e.g. an unquoted `012345678901`). */
  sourceAt(path: YamlPath): string | undefined {
    const node = this.nodeAt(path);
    if (!node?.range) return undefined;
    return this.text.slice(node.range[0], node.range[1]);
  }

  report(severity: Severity, path: YamlPath, message: string, opts: { key?: string } = {}): void {
    const node = opts.key === undefined ? this.nodeAt(path) : this.keyNodeAt(path, opts.key);
    const field = fieldPath(opts.key === undefined ? path : [...path, opts.key]);
    this.diagnostics.push({ severity, file: this.file, ...this.position(node), field, message });
  }

  error(path: YamlPath, message: string, opts: { key?: string } = {}): void {
    this.report('error', path, message, opts);
  }

  warn(path: YamlPath, message: string, opts: { key?: string } = {}): void {
    this.report('warning', path, message, opts);
  }
}

function childOf(node: unknown, part: string | number): unknown {
  if (isMap(node)) {
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key) && item.key.value === part) return item.value ?? item.key;
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(part))
        return item.value ?? item.key;
    }
    return undefined;
  }
  if (isSeq(node) && typeof part === 'number') return node.items[part];
  return undefined;
}

/**
 * An unclosed quote is reported where the file ends; the place to fix is the opening quote,
 * the start of the quoted scalar that runs to that point.
 */
function openingQuoteOf(doc: Document.Parsed, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
      if (quoted && node.range && node.range[1] === end) start = node.range[0];
    },
  });
  return start;
}

/** The offset of the first '[' or '{' nested deeper than MAX_FLOW_DEPTH, if any (the YAML lexer's tokens). */
function flowTooDeep(text: string): number | undefined {
  if (!/[[{]/.test(text)) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH) return offset;
    } else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    // The lexer's control tokens (document start, flow error end, scalar) are not in the text.
    if (!(token.length === 1 && '\x02\x18\x1f'.includes(token))) offset += token.length;
  }
  return undefined;
}
