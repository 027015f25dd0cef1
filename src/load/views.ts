/**
 * The SQL views of sql/views/: Athena (Trino) SQL with `{{placeholders}}` for the names and
 * settings of config/org.yaml. Placeholders are filled with validated identifiers and escaped
 * literals only; a view refers to another as `{{db}}.<name>`, which also gives the order in
 * which views must be created.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OrgConfig, ViewSource } from '../model/config.js';
import { type Diagnostic, position } from '../model/diagnostics.js';
import { readRepoText } from './repo-file.js';

export const VIEWS_DIR = 'sql/views';
export const VIEW_NAME = /^[a-z_][a-z0-9_]{0,254}$/;

/** Placeholders a view may use. */
export const PLACEHOLDERS = [
  'db',
  'table',
  'evaluations',
  'evaluation_files',
  'window_days',
  'trend_days',
  'stale_after_days',
  'exclude_tag_key',
  'exclude_tag_value',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Views generated from the configuration at apply time (not files). */
export const GENERATED_VIEWS = [
  'accounts',
  'catalog_rules',
  'exceptions',
  'rule_controls',
  'projection',
] as const;

/** A placeholder as written in a view file (and filled by `renderView`). */
export const PLACEHOLDER_PATTERN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const REFERENCE = /\{\{\s*db\s*\}\}\.("?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

/**
 * The files of sql/views/ (see readRepoText for what a file must be); a file that cannot be read
 * is a diagnostic on it.
 */
export async function readViewSources(
  root: string,
): Promise<{ sources: ViewSource[]; diagnostics: Diagnostic[] }> {
  let names: string[];
  try {
    names = (await readdir(join(root, VIEWS_DIR))).filter((f) => f.endsWith('.sql')).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { sources: [], diagnostics: [] };
    if (code !== 'ENOTDIR') throw e;
    const message = `is a file, not a directory: ${VIEWS_DIR}/ holds one <name>.sql file per view`;
    return {
      sources: [],
      diagnostics: [{ severity: 'error', file: VIEWS_DIR, line: 1, column: 1, field: '', message }],
    };
  }
  const sources: ViewSource[] = [];
  const diagnostics: Diagnostic[] = [];
  const read = await Promise.all(names.map((f) => readRepoText(root, `${VIEWS_DIR}/${f}`)));
  names.forEach((f, i) => {
    const r = read[i];
    const file = `${VIEWS_DIR}/${f}`;
    if (r && 'text' in r) sources.push({ name: f.slice(0, -'.sql'.length), file, text: r.text });
    else if (r && 'problem' in r) diagnostics.push(r.problem);
  });
  return { sources, diagnostics };
}

/** Views this one refers to through `{{db}}.<name>`. */
export function viewReferences(text: string): string[] {
  return [...new Set([...text.matchAll(REFERENCE)].map((m) => m[2] as string))];
}

/**
 * Checks names, placeholders and references; returns the views in creation order (each after
 * the views it refers to), with diagnostics for anything wrong. What a view file holds (one
 * query, in Athena's SQL) is checked by view-syntax.ts.
 */
export function orderViews(views: ViewSource[]): { ordered: ViewSource[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const error = (file: string, text: string, offset: number, message: string) =>
    diagnostics.push({ severity: 'error', file, ...position(text, offset), field: '', message });
  const known = new Set<string>([...GENERATED_VIEWS, ...views.map((v) => v.name)]);
  for (const v of views) {
    if (!VIEW_NAME.test(v.name)) {
      error(v.file, v.text, 0, `view name '${v.name}' (from the file name) must match ${VIEW_NAME.source}`);
    }
    if ((GENERATED_VIEWS as readonly string[]).includes(v.name)) {
      error(v.file, v.text, 0, `'${v.name}' is generated from config/ at apply time; rename this file`);
    }
    for (const m of v.text.matchAll(PLACEHOLDER_PATTERN)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1] as string)) {
        error(
          v.file,
          v.text,
          m.index ?? 0,
          `unknown placeholder {{${m[1]}}}; valid: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
        );
      }
    }
    for (const m of v.text.matchAll(REFERENCE)) {
      const name = m[2] as string;
      if (!known.has(name))
        error(
          v.file,
          v.text,
          m.index ?? 0,
          `refers to view '${name}', which is neither in ${VIEWS_DIR}/ nor generated (${GENERATED_VIEWS.join(', ')})`,
        );
      if (name === v.name) error(v.file, v.text, m.index ?? 0, 'a view cannot refer to itself');
    }
  }
  // Depth-first topological order; a cycle is reported on the view that closes it.
  const byName = new Map(views.map((v) => [v.name, v]));
  const ordered: ViewSource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (v: ViewSource, chain: string[]) => {
    if (state.get(v.name) === 'done') return;
    if (state.get(v.name) === 'visiting') {
      error(v.file, v.text, 0, `views refer to each other in a cycle: ${[...chain, v.name].join(' → ')}`);
      return;
    }
    state.set(v.name, 'visiting');
    for (const dep of viewReferences(v.text)) {
      const d = byName.get(dep);
      if (d && d !== v) visit(d, [...chain, v.name]);
    }
    state.set(v.name, 'done');
    ordered.push(v);
  };
  for (const v of views) visit(v, []);
  return { ordered, diagnostics };
}

/**
 * Views share the Glue database with the tables the tool creates there (the snapshot table of
 * config/org.yaml, the compacted tables, the reference tables behind the generated views): a view
 * named like one would be created over it. Glue keeps names in lower case, so `Foo` and `foo` are
 * one name; view names are lower case already.
 */
export function checkViewNames(
  views: readonly ViewSource[],
  org: OrgConfig,
  tables: readonly { name: string; what: string }[],
): Diagnostic[] {
  const taken = [
    { name: org.glue.table, what: 'the snapshot table (glue.table of config/org.yaml)' },
    ...tables,
  ];
  const out: Diagnostic[] = [];
  for (const v of views) {
    const clash = taken.find((t) => t.name.toLowerCase() === v.name.toLowerCase());
    if (clash)
      out.push({
        severity: 'error',
        file: v.file,
        line: 1,
        column: 1,
        field: '',
        message: `view '${v.name}' has the name of ${clash.what} in Glue database '${org.glue.database}'; rename the file (the file name is the view name)`,
      });
  }
  return out;
}
