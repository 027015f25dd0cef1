import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadResult, loadRepository } from '../../src/load/index.js';
import { fillPlaceholders, loadTrinoParser, type TrinoParser } from '../../src/load/trino-grammar.js';
import { checkViewSyntax, GRAMMAR_SKIPPED, ONE_QUERY } from '../../src/load/view-syntax.js';
import { PLACEHOLDER_PATTERN, readViewSources } from '../../src/load/views.js';
import type { OrgConfig } from '../../src/model/config.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { ACCOUNTS_YAML, ORG_YAML, RULES_YAML, yaml } from './fixtures.js';

/** config/ from the fixtures, and these files under sql/views/ (name → text). */
async function loadWithViews(views: Record<string, string>): Promise<LoadResult> {
  const root = await mkdtemp(join(tmpdir(), 'org-compliance-views-'));
  try {
    await mkdir(join(root, 'config'));
    await mkdir(join(root, 'sql/views'), { recursive: true });
    await writeFile(join(root, 'config/org.yaml'), ORG_YAML);
    await writeFile(join(root, 'config/accounts.yaml'), ACCOUNTS_YAML);
    await writeFile(join(root, 'config/rules.yaml'), RULES_YAML);
    for (const [name, text] of Object.entries(views))
      await writeFile(join(root, `sql/views/${name}.sql`), text);
    return await loadRepository(root, { today: '2026-11-28', viewGrammar: 'required' });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The one error a view file gets, as file:line:column and message. */
function only(result: LoadResult): [string, string] {
  expect(result.repository).toBeUndefined();
  expect(result.diagnostics).toHaveLength(1);
  const d = result.diagnostics[0];
  expect(d).toMatchObject({ severity: 'error', field: '' });
  return [`${d?.file}:${d?.line}:${d?.column}`, d?.message ?? ''];
}

/** Just what renderView needs of config/org.yaml. */
const ORG = {
  glue: { database: 'org_compliance', table: 'config_snapshots' },
  compliance: { windowDays: 30, trendDays: 90, staleAfterDays: 2 },
} as OrgConfig;

/** The errors of one view, as `line:column message`. */
async function problems(text: string, parser?: () => Promise<TrinoParser | undefined>): Promise<string[]> {
  const { diagnostics } = await checkViewSyntax([{ name: 'v', file: 'sql/views/v.sql', text }], ORG, {
    grammar: 'required',
    ...(parser ? { loadParser: parser } : {}),
  });
  return diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
}

describe('a view that cannot run is an error of the load, at its file, line and column', () => {
  it('a misspelt SELECT after a placeholder on the same line: at the misspelling, in the file (not the filled text)', async () => {
    const result = await loadWithViews({
      in_window: yaml`
        -- Evaluations of the accounts in accounts.yaml, over the window.
        SELECT t.account_id, t.dt
        FROM {{table}} AS t
        WHERE t.dt >= {{window_days}} AND t.account_id IN (SELEC account_id FROM {{db}}.accounts)
      `,
    });
    expect(only(result)).toEqual([
      'sql/views/in_window.sql:4:52',
      "syntax error: 'SELEC' is not a keyword; did you mean SELECT? (then expected ')', found 'account_id')",
    ]);
  });

  it('a misspelt keyword the parser stops at is named where it is', async () => {
    expect(await problems('SELECT a\nFROM {{table}} AS t\nWHER t.a = 1\n')).toEqual([
      "3:1 syntax error: unexpected 'WHER'; did you mean WHERE?",
    ]);
    expect(await problems('SELECT a FROM {{table}} AS t\nSELEC 1\n')).toEqual([
      "2:1 syntax error: unexpected 'SELEC'; did you mean SELECT?",
    ]);
  });

  it('a file starting with a misspelt SELECT: at line 1, column 1', async () => {
    expect(only(await loadWithViews({ typo: 'SELEC 1 AS one\n' }))).toEqual([
      'sql/views/typo.sql:1:1',
      "'SELEC' is not a keyword; did you mean SELECT? A view file holds one query: SELECT, WITH … SELECT or VALUES, alone or combined by UNION, INTERSECT or EXCEPT",
    ]);
  });

  it('DROP TABLE {{table}} is not a query, and the message says what is', async () => {
    expect(only(await loadWithViews({ cleanup: '-- Start afresh.\nDROP TABLE {{table}}\n' }))).toEqual([
      'sql/views/cleanup.sql:2:1',
      `'DROP TABLE …' is not a query; ${ONE_QUERY}`,
    ]);
    expect(ONE_QUERY).toBe(
      'a view file holds one query: SELECT, WITH … SELECT or VALUES, alone or combined by UNION, INTERSECT or EXCEPT',
    );
  });

  it('INSERT, CREATE and a WITH whose query is not a SELECT are refused at their first word', async () => {
    expect(await problems('INSERT INTO t SELECT 1')).toEqual([
      `1:1 'INSERT INTO …' is not a query; ${ONE_QUERY}`,
    ]);
    expect(await problems('CREATE TABLE t AS SELECT 1')).toEqual([
      `1:1 'CREATE TABLE …' is not a query; ${ONE_QUERY}`,
    ]);
    expect(await problems('(DROP TABLE t)')).toEqual([`1:2 'DROP TABLE …' is not a query; ${ONE_QUERY}`]);
    expect(await problems('WITH a AS (SELECT 1 AS x),\n  b AS (SELECT 2 AS y)\nDELETE FROM t')).toEqual([
      `3:1 'WITH … DELETE FROM …' is not a query; ${ONE_QUERY}`,
    ]);
    expect(await problems('WITH a (SELECT 1 AS x) SELECT x FROM a')).toEqual([
      "1:8 AS is missing before the query of 'a': WITH a AS (SELECT …) SELECT …",
    ]);
    // DuckDB's FROM-first query, and TABLE t, which polyglot's Trino parser cannot read.
    expect(await problems('FROM t SELECT a')).toEqual([`1:1 'FROM t …' is not a query; ${ONE_QUERY}`]);
    expect(await problems('TABLE {{table}}')).toEqual([
      `1:1 write SELECT * FROM … for TABLE …: Trino takes it, but the syntax check cannot read it; ${ONE_QUERY}`,
    ]);
  });

  it('two statements: at the second; a trailing ";" at the ";"; a ";" in a string or comment is text', async () => {
    expect(only(await loadWithViews({ two: 'SELECT 1 AS one;\n\nSELECT 2 AS two\n' }))).toEqual([
      'sql/views/two.sql:3:1',
      `a second statement starts here, after ';'; ${ONE_QUERY}, without ';'`,
    ]);
    expect(await problems('SELECT 1 AS one;\n-- done\n')).toEqual([
      "1:16 remove this ';': a view is its query alone, which apply puts in CREATE VIEW … AS, where Athena (Trino) refuses a ';'",
    ]);
    expect(await problems("SELECT ';' AS a, 'x;y' AS \"b;\" -- c; d\n/* e; f */")).toEqual([]);
  });

  it('an empty file, or one of comments only', async () => {
    expect(await problems('')).toEqual([`1:1 the file is empty; ${ONE_QUERY}`]);
    expect(await problems('\n  \n')).toEqual([`1:1 the file is empty; ${ONE_QUERY}`]);
    expect(await problems('-- to do\n/* later */\n')).toEqual([
      `1:1 the file holds only comments; ${ONE_QUERY}`,
    ]);
  });

  it("a '::' cast is refused at the '::', saying to write CAST; not in strings, comments or quoted names", async () => {
    expect(
      only(
        await loadWithViews({
          counts: yaml`
            SELECT t.account_id,
              count(*)::bigint AS evaluations
            FROM {{table}} AS t
            GROUP BY t.account_id
          `,
        }),
      ),
    ).toEqual(['sql/views/counts.sql:2:11', "'::' is not Athena (Trino) SQL: write CAST(x AS type)"]);
    expect(await problems('SELECT \'a::b\' AS "c::d" -- e::f\n/* g::h */ FROM t')).toEqual([]);
  });

  it('a valid WITH view, with UNION and VALUES, loads without a diagnostic', async () => {
    const result = await loadWithViews({
      by_account: yaml`
        -- One row per account with evaluations in the window, and the two fixed rows.
        WITH recent AS (
          SELECT t.account_id, count(*) AS evaluations
          FROM {{table}} AS t
          WHERE CAST(date_parse(t.dt, '%Y/%c/%e') AS date) >= current_date - INTERVAL '{{window_days}}' DAY
          GROUP BY t.account_id
        ),
        named AS (
          SELECT a.account_id, a.account_name, r.evaluations
          FROM {{db}}.accounts AS a
          JOIN recent AS r ON r.account_id = a.account_id
        )
        SELECT account_id, account_name, evaluations FROM named
        UNION ALL
        SELECT * FROM (VALUES ('000000000000', 'none', CAST(0 AS bigint))) AS v(account_id, account_name, evaluations)
      `,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.repository?.views.map((v) => v.name)).toEqual(['by_account']);
  });

  it('every view shipped in sql/views/ is parsed with Trino grammar and has no diagnostic', async () => {
    const views = (await readViewSources(REPO_ROOT)).sources;
    expect(views.length).toBeGreaterThanOrEqual(9);
    const parsed: string[] = [];
    const counting = async (): Promise<TrinoParser> => {
      const parse = (await loadTrinoParser()) as TrinoParser;
      return (sql) => {
        parsed.push(sql);
        return parse(sql);
      };
    };
    const result = await checkViewSyntax(views, ORG, { grammar: 'required', loadParser: counting });
    expect(result).toEqual({ diagnostics: [], notes: [] });
    expect(parsed).toHaveLength(views.length);
    // Parsed as apply sends it: placeholders filled.
    expect(parsed.some((sql) => sql.includes('"org_compliance"."compacted_evaluations"'))).toBe(true);
    expect(parsed.some((sql) => sql.includes('{{'))).toBe(false);
  });
});

describe("Trino's grammar, where polyglot's Trino parser is more lenient (docs/sql-dialects.md 26, 27)", () => {
  it('the constructs Trino refuses are errors at their position', async () => {
    expect(await problems('SELECT a\nFROM t\nWHERE a == 1')).toEqual([
      "3:9 '==' is not Athena (Trino) SQL: compare with '='",
    ]);
    expect(await problems('SELECT `rule name` FROM t')).toEqual([
      '1:8 a backquoted name is not Athena (Trino) SQL: write "rule name" for `rule name`',
    ]);
    expect(await problems("SELECT j->>'$.a' AS a FROM t")).toEqual([
      "1:9 '->>' is not Athena (Trino) SQL: read a JSON value with json_extract_scalar(json, '$.key')",
    ]);
    expect(
      await problems('SELECT a FROM t WHERE a IS TRUE OR b IS NOT FALSE OR c IS UNKNOWN OR d IS JSON'),
    ).toEqual([
      "1:25 'IS TRUE' is not Athena (Trino) SQL, which has only IS [NOT] NULL and IS [NOT] DISTINCT FROM: write 'IS NOT DISTINCT FROM TRUE'",
      "1:38 'IS NOT FALSE' is not Athena (Trino) SQL, which has only IS [NOT] NULL and IS [NOT] DISTINCT FROM: write 'IS DISTINCT FROM FALSE'",
      "1:56 'IS UNKNOWN' is not Athena (Trino) SQL, which has only IS [NOT] NULL and IS [NOT] DISTINCT FROM: write 'IS NULL'",
      "1:72 'IS JSON' is not Athena (Trino) SQL, which has only IS [NOT] NULL and IS [NOT] DISTINCT FROM",
    ]);
    expect(await problems('SELECT a,\n  b,\nFROM t')).toEqual([
      "2:4 a ',' right before FROM: Athena (Trino) takes no trailing comma; remove it",
    ]);
    expect(
      await problems('SELECT count(*) AS 7d_count, 1.5x, 1e3 AS n, 0x1F AS h, 1_000 AS k FROM t'),
    ).toEqual([
      `1:20 '7d_count' starts with a digit: Athena (Trino) takes such a name only quoted: write "7d_count"`,
    ]);
    expect(await problems('SELECT coalesce(a, b, ) AS c FROM t')).toEqual([
      "1:21 a ',' right before ')': Athena (Trino) takes no trailing comma; remove it",
    ]);
  });

  it('characters that start no Trino token are errors, row-pattern symbols only inside PATTERN (…)', async () => {
    expect(await problems('SELECT a ~ b, c & d, #e FROM t')).toEqual([
      "1:10 '~' is not Athena (Trino) SQL outside strings, quoted identifiers and comments: match with regexp_like(s, pattern)",
      "1:17 '&' is not Athena (Trino) SQL outside strings, quoted identifiers and comments: use bitwise_and(x, y)",
      "1:22 '#' is not Athena (Trino) SQL outside strings, quoted identifiers and comments: a comment starts with -- or /*",
    ]);
    expect(await problems('SELECT a\u00a0FROM t')).toEqual([
      '1:9 the space U+00A0 is not Athena (Trino) SQL: write a plain space',
    ]);
    expect(await problems('SELECT café FROM t')).toEqual([
      `1:11 'é' (U+00E9) cannot be in an unquoted name: Athena (Trino) takes ASCII letters, digits and _ there; quote it: "café"`,
    ]);
    expect(await problems('SELECT {{ db }.x FROM t')).toEqual([
      "1:8 '{{' is not part of a placeholder: write {{name}}, with name one of db, table, evaluations, evaluation_files, window_days, trend_days, stale_after_days, exclude_tag_key, exclude_tag_value",
      "1:14 '}' is not Athena (Trino) SQL outside strings, quoted identifiers and comments: a placeholder is written {{name}}",
    ]);
    expect(await problems('SELECT \u2018x\u2019 AS a FROM t')).toEqual([
      "1:8 '\u2018' (U+2018) is not Athena (Trino) SQL outside strings, quoted identifiers and comments: a string is in straight quotes '…', a quoted name in \"…\"",
      "1:10 '\u2019' (U+2019) is not Athena (Trino) SQL outside strings, quoted identifiers and comments: a string is in straight quotes '…', a quoted name in \"…\"",
    ]);
    expect(await problems('SELECT $1 FROM t')).toEqual([
      "1:8 '$' is not Athena (Trino) SQL outside strings, quoted identifiers and comments",
    ]);
    expect(
      await problems(
        'SELECT * FROM t MATCH_RECOGNIZE (ORDER BY x MEASURES A.x AS ax ONE ROW PER MATCH PATTERN (^A B{1,2} | C+ $) DEFINE B AS B.x > A.x)',
      ),
    ).toEqual([]);
  });

  it('a string, quoted name or comment left open is one error where it opens', async () => {
    expect(await problems("SELECT a\nFROM t\nWHERE b = 'x AND c = 1")).toEqual([
      "3:11 this string is never closed: a ' is missing",
    ]);
    expect(await problems('SELECT "a FROM t')).toEqual([
      '1:8 this quoted identifier is never closed: a " is missing',
    ]);
    expect(await problems('SELECT a FROM t /* to do')).toEqual([
      '1:17 this comment is never closed: a */ is missing',
    ]);
  });

  it("polyglot's messages reworded, positions in the file past multi-unit characters and placeholders", async () => {
    expect(await problems('SELECT (1 + 2 FROM t')).toEqual(["1:15 syntax error: expected ')', found 'FROM'"]);
    expect(await problems('SELECT a FROM t UNION')).toEqual([
      "1:17 syntax error: expected SELECT, but the query ends after 'UNION'",
    ]);
    expect(await problems('SELECT CAST(a bigint) FROM t')).toEqual([
      "1:15 syntax error: expected AS, found 'bigint'",
    ]);
    // polyglot counts Unicode characters; 😀 is two UTF-16 units, one character.
    expect(await problems('-- 😀 ok\nSELECT a FROM {{table}} AS t WHERE a = 1)')).toEqual([
      "2:41 syntax error: unexpected ')'",
    ]);
    // An error inside what a placeholder became is reported at the placeholder.
    expect(await problems('SELECT a FROM {{table}} WHERE {{window_days}} {{window_days}} > 1')).toEqual([
      "1:47 syntax error: unexpected '{{window_days}}'",
    ]);
  });
});

describe("polyglot's Trino parser is also stricter than Trino in places", () => {
  it('refuses json_value(… DEFAULT x ON EMPTY), REAL literals and IN (VALUES …), which Trino takes: pinned until it does not', async () => {
    // Trino's grammar has them all (jsonValueBehavior ON EMPTY, `identifier string`, `IN '(' query ')'`).
    expect(await problems("SELECT json_value(j, 'lax $.a' DEFAULT 0 ON EMPTY) AS a FROM t")).toEqual([
      "1:32 syntax error: expected ')', found 'DEFAULT'",
    ]);
    expect(await problems("SELECT REAL '1.5' AS r")).toHaveLength(1);
    expect(await problems('SELECT a FROM t WHERE a IN (VALUES 1, 2)')).toHaveLength(1);
    // What to write instead passes.
    expect(await problems("SELECT coalesce(json_value(j, 'lax $.a'), '0') AS a FROM t")).toEqual([]);
    expect(await problems("SELECT CAST('1.5' AS real) AS r")).toEqual([]);
    expect(await problems('SELECT a FROM t WHERE a IN (1, 2)')).toEqual([]);
  });
});

describe('where the parser is not installed (an action bundle without node_modules)', () => {
  const missing = async () => undefined;
  const view = {
    name: 'v',
    file: 'sql/views/v.sql',
    text: 'SELECT count(*)::bigint AS n FROM {{table}}\nWHER 1',
  };

  it('if-installed: the grammar is skipped with a note; the checks without a parser still run', async () => {
    const result = await checkViewSyntax([{ ...view, text: 'SELECT a FROM t WHER 1' }], ORG, {
      grammar: 'if-installed',
      loadParser: missing,
    });
    expect(result).toEqual({ diagnostics: [], notes: [GRAMMAR_SKIPPED] });
    expect(GRAMMAR_SKIPPED).toBe(
      "The views of sql/views/ were checked for one query each and for what Athena (Trino) refuses, but not parsed with Trino's grammar: @polyglot-sql/sdk is not installed here (the action bundles leave it out). 'org-compliance validate' parses them (the plan workflow's validate job runs it).",
    );
    const cast = await checkViewSyntax([view], ORG, { grammar: 'if-installed', loadParser: missing });
    expect(cast.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "1:16 '::' is not Athena (Trino) SQL: write CAST(x AS type)",
    ]);
  });

  it('skip (report, compact): the parser is not loaded, the checks without it still run', async () => {
    let loads = 0;
    const counting = async () => {
      loads++;
      return undefined;
    };
    const clean = await checkViewSyntax([{ ...view, text: 'SELECT a FROM t WHER 1' }], ORG, {
      grammar: 'skip',
      loadParser: counting,
    });
    expect(clean).toEqual({ diagnostics: [], notes: [] });
    const cast = await checkViewSyntax([view], ORG, { grammar: 'skip', loadParser: counting });
    expect(cast.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "1:16 '::' is not Athena (Trino) SQL: write CAST(x AS type)",
    ]);
    expect(loads).toBe(0);
  });

  it('required: the load fails saying what to install', async () => {
    await expect(
      checkViewSyntax([{ ...view, text: 'SELECT 1' }], ORG, { grammar: 'required', loadParser: missing }),
    ).rejects.toThrow(
      "Checking the syntax of sql/views/ needs @polyglot-sql/sdk (Trino's grammar), which is not installed here. Run 'npm ci' in the org-compliance checkout first.",
    );
  });

  it('loadTrinoParser answers undefined only when the package itself is missing', async () => {
    const notFound = Object.assign(
      new Error(
        "Cannot find package '@polyglot-sql/sdk' imported from /runner/_work/actions/plan/dist/chunks/x.js",
      ),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    expect(await loadTrinoParser(() => Promise.reject(notFound))).toBeUndefined();
    const broken = new Error('WebAssembly.instantiate(): out of memory');
    await expect(loadTrinoParser(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});

describe('fillPlaceholders', () => {
  it('maps offsets in the filled text back to the file, a placeholder value to the placeholder', () => {
    const text = 'SELECT {{ db }}.x, {{window_days}} FROM t';
    const filled = fillPlaceholders(text, PLACEHOLDER_PATTERN, (p) =>
      p.includes('db') ? '"org_compliance"' : '30',
    );
    expect(filled.sql).toBe('SELECT "org_compliance".x, 30 FROM t');
    const at = (s: string) => filled.fileOffset(filled.sql.indexOf(s));
    expect(at('SELECT')).toBe(0);
    expect(at('"org_compliance"')).toBe(text.indexOf('{{ db }}'));
    expect(at('compliance"')).toBe(text.indexOf('{{ db }}'));
    expect(at('.x')).toBe(text.indexOf('.x'));
    expect(at('30')).toBe(text.indexOf('{{window_days}}'));
    expect(at('FROM')).toBe(text.indexOf('FROM'));
  });
});
