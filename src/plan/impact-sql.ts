/**
 * The one query behind a plan's impact (Athena SQL; DuckDB runs it transpiled on the local target).
 * It reads the evaluations of the newest snapshots as the deployed `evaluations` view picks them
 * (daily_evaluations, the newest day of each account and region within the window) once, judges
 * each twice — as the deployed views do (their exclusion tag, the deployed `exceptions`, the first
 * covering exception by id, applied until it expires) and as the repository would (its tag, its
 * exceptions: the deployed ones it keeps and its new and changed ones inlined as VALUES, its removed
 * rules and newly excluded accounts) — and returns only
 * aggregates: score counts per category, totals per changed subject, and its top (account, rule)
 * pairs. Pure: text in, text out.
 */
import { exceptionsTable } from '../desired/reference-data.js';
import { quoteIdentifier, stringLiteral, valuesView } from '../desired/views.js';
import type { Repository } from '../model/config.js';
import type { ImpactChanges } from '../model/impact.js';

/** Athena's fixed quota on one query string, in bytes (AWS-FACTS.md). */
export const ATHENA_QUERY_MAX_BYTES = 262_144;

/** (account, rule) pairs returned per subject and side. */
export const IMPACT_TOP_PAIRS = 10;

/** A subject's key in the query's rows: `exception:<id>`, `tag`, `rule:<name>`, `excluded:<rule>`. */
export function subjectKey(kind: 'exception' | 'tag' | 'rule' | 'excluded', name = ''): string {
  return kind === 'tag' ? 'tag' : `${kind}:${name}`;
}

/** The list of exception entries of `source` (a relation with the exceptions view's columns), as judged_evaluations makes it. */
function exceptionList(name: string, source: string): string {
  return `${name}_entries AS (
  SELECT exception_id, rule_pattern, account_id, resource_type_pattern, resource_id_pattern,
    max(expires) AS expires,
    coalesce(
      array_agg(CAST(ROW(tag_key, tag_value) AS ROW(key varchar, value varchar))) FILTER (WHERE tag_key IS NOT NULL),
      CAST(ARRAY[] AS array(ROW(key varchar, value varchar)))
    ) AS tags
  FROM ${source}
  GROUP BY exception_id, rule_pattern, account_id, resource_type_pattern, resource_id_pattern
),
${name}_list AS (
  SELECT array_agg(
    CAST(
      ROW(exception_id, rule_pattern, account_id, resource_type_pattern, resource_id_pattern, expires, tags)
      AS ROW(
        exception_id varchar, rule_pattern varchar, account_id varchar, resource_type_pattern varchar,
        resource_id_pattern varchar, expires date, tags array(ROW(key varchar, value varchar))
      )
    )
    ORDER BY exception_id, rule_pattern, account_id
  ) AS entries
  FROM ${name}_entries
)`;
}

/** The first entry of list `l` that covers evaluation `d` (judged_evaluations' test). */
function firstCovering(list: string): string {
  return `CASE WHEN d.in_catalog THEN element_at(
      filter(
        ${list}.entries,
        x -> d.catalog_rule LIKE x.rule_pattern ESCAPE '\\'
          AND (x.account_id IS NULL OR x.account_id = d.account_id)
          AND d.resource_type LIKE x.resource_type_pattern ESCAPE '\\'
          AND d.resource_id LIKE x.resource_id_pattern ESCAPE '\\'
          AND element_at(filter(x.tags, t -> NOT coalesce(element_at(d.tags, t.key) = t.value, false)), 1) IS NULL
      ),
      1
    ) END`;
}

function inList(values: string[]): string {
  return values.length ? values.map(stringLiteral).join(', ') : 'CAST(NULL AS varchar)';
}

const EXCEPTION_COLUMNS = [
  'exception_id',
  'rule_pattern',
  'account_id',
  'resource_type_pattern',
  'resource_id_pattern',
  'tag_key',
  'tag_value',
  'expires',
];

/**
 * The repository's exceptions as rows of the exceptions view's columns: the deployed ones it keeps
 * as they are, read from the `exceptions` view, and the new and changed ones inlined. The query
 * grows with the changed exceptions only.
 */
function desiredExceptions(repo: Repository, changes: ImpactChanges, db: string): string {
  const changed = changes.exceptions.map((e) => e.id);
  const inlined = new Set(changes.exceptions.filter((e) => e.change !== 'removed').map((e) => e.id));
  const table = exceptionsTable(repo.exceptions.filter((e) => inlined.has(e.id)));
  const at = EXCEPTION_COLUMNS.map((c) => table.columns.findIndex(([n]) => n === c));
  const values = valuesView(
    EXCEPTION_COLUMNS.map((c) => [c, c === 'expires' ? 'date' : 'varchar']),
    table.rows.map((row) =>
      at.map((i, k) => {
        const v = row[i] ?? null;
        return EXCEPTION_COLUMNS[k] === 'expires' && typeof v === 'string'
          ? { date: v }
          : (v as string | null);
      }),
    ),
  );
  const kept = changed.length ? `\nWHERE exception_id NOT IN (${inList(changed)})` : '';
  return `SELECT ${EXCEPTION_COLUMNS.join(', ')}\nFROM ${db}.exceptions${kept}\nUNION ALL\n${values}`;
}

/** Each evaluation of the newest snapshots with its state before (deployed) and after (repository). */
function statesSql(repo: Repository, changes: ImpactChanges, db: string): string {
  const { compliance } = repo.org;
  const tag = repo.org.compliance.excludeTag;
  const afterTag = tag
    ? `coalesce(element_at(d.tags, ${stringLiteral(tag.key)}) = ${stringLiteral(tag.value)}, false)`
    : 'false';
  const excluded = changes.excludedAccounts.flatMap((e) => e.added.map((a) => [e.rule, a]));
  const window = `CAST(current_date - INTERVAL '${compliance.windowDays}' DAY AS varchar)`;
  return `latest AS (
  SELECT account_id, region, max(snapshot_date) AS snapshot_date
  FROM ${db}.daily_evaluations
  WHERE snapshot_day >= ${window}
  GROUP BY account_id, region
),
desired AS (
${desiredExceptions(repo, changes, db)}
),
${exceptionList('deployed', `${db}.exceptions`)},
${exceptionList('desired', 'desired')},
newly_excluded AS (
${valuesView(
  [
    ['rule', 'varchar'],
    ['account_id', 'varchar'],
  ],
  excluded,
)}
),
judged AS (
  SELECT d.account_id, d.catalog_rule, d.category, d.compliance_type, d.excluded_by_tag,
    ${firstCovering('b')} AS before_exception,
    ${afterTag} AS after_tag,
    ${firstCovering('a')} AS after_exception
  FROM ${db}.daily_evaluations AS d
  JOIN latest AS l
    ON l.account_id = d.account_id AND l.region = d.region AND l.snapshot_date = d.snapshot_date
  CROSS JOIN deployed_list AS b
  CROSS JOIN desired_list AS a
  WHERE d.snapshot_day >= ${window} AND d.in_catalog
),
states AS (
  SELECT j.account_id, j.catalog_rule AS rule, j.category, j.compliance_type,
    coalesce(p.in_projection, false) AS in_projection,
    CASE
      WHEN j.excluded_by_tag THEN 'tag'
      WHEN j.before_exception.expires >= current_date THEN 'exception:' || j.before_exception.exception_id
    END AS before_cause,
    CASE
      WHEN j.catalog_rule IN (${inList(changes.removedRules)}) THEN 'rule:' || j.catalog_rule
      WHEN x.account_id IS NOT NULL THEN 'excluded:' || j.catalog_rule
      WHEN j.after_tag THEN 'tag'
      WHEN j.after_exception.expires >= current_date THEN 'exception:' || j.after_exception.exception_id
    END AS after_cause,
    j.after_exception.exception_id AS after_match
  FROM judged AS j
  LEFT JOIN newly_excluded AS x
    ON x.rule = j.catalog_rule AND x.account_id = j.account_id
  LEFT JOIN ${db}.accounts AS p
    ON p.account_id = j.account_id
)`;
}

/** The subjects whose evaluations are listed: the changed exceptions, the tag, removed rules, newly excluded accounts. */
function subjectsOf(changes: ImpactChanges): string[] {
  return [
    ...changes.exceptions.map((e) => subjectKey('exception', e.id)),
    ...(changes.tag !== undefined ? [subjectKey('tag')] : []),
    ...changes.removedRules.map((r) => subjectKey('rule', r)),
    ...changes.excludedAccounts.filter((e) => e.added.length).map((e) => subjectKey('excluded', e.rule)),
  ];
}

const COUNTED = "compliance_type IN ('COMPLIANT', 'NON_COMPLIANT')";

/**
 * Each evaluation once per part it counts in: `score` (compliant and non-compliant ones, by
 * category and state), `after` and `before` (the changed subject that covers it on that side, by
 * account and rule), `match` (the repository's exception that is first to cover it). A cross join
 * with the four parts, so the evaluations are read once: Trino (Athena) computes a WITH query
 * again for every reference to it.
 */
function expandedSql(changes: ImpactChanges): string {
  const subjects = inList(subjectsOf(changes));
  const ids = inList(changes.exceptions.filter((e) => e.change !== 'removed').map((e) => e.id));
  const sides = "p.part IN ('after', 'before')";
  return `expanded AS (
  SELECT p.part,
    CASE p.part WHEN 'after' THEN s.after_cause WHEN 'before' THEN s.before_cause WHEN 'match' THEN s.after_match END AS subject,
    CASE WHEN ${sides} THEN s.account_id END AS account_id,
    CASE WHEN ${sides} THEN s.rule END AS rule,
    CASE WHEN p.part = 'score' THEN s.category END AS category,
    CASE WHEN p.part = 'score' THEN s.in_projection END AS in_projection,
    CASE WHEN p.part = 'score' THEN s.compliance_type END AS score_compliance,
    CASE WHEN p.part = 'score' THEN (CASE WHEN s.before_cause IS NULL THEN 'counted' ELSE 'excluded' END) END AS before_state,
    CASE WHEN p.part = 'score' THEN (
      CASE
        WHEN s.after_cause IS NULL THEN 'counted'
        WHEN s.after_cause LIKE 'rule:%' OR s.after_cause LIKE 'excluded:%' THEN 'gone'
        ELSE 'excluded'
      END
    ) END AS after_state,
    s.compliance_type,
    CASE p.part WHEN 'after' THEN s.before_cause IS NULL WHEN 'before' THEN s.after_cause IS NULL ELSE false END AS moved
  FROM states AS s
  CROSS JOIN (VALUES ('score'), ('after'), ('before'), ('match')) AS p (part)
  WHERE CASE p.part
    WHEN 'score' THEN s.${COUNTED}
    WHEN 'after' THEN s.after_cause IN (${subjects})
    WHEN 'before' THEN s.before_cause IN (${subjects})
    ELSE s.after_match IN (${ids})
  END
)`;
}

/**
 * The query. Its rows (`part`): `score` (category, in_projection, compliance_type, before and
 * after state → evaluations); `after` and `before` (subject, account, rule → counts, and the
 * subject's totals: the first IMPACT_TOP_PAIRS pairs by non-compliant evaluations); `match` (an
 * exception id of the repository that is first to cover an evaluation → evaluations). Every CTE is
 * read once, so the evaluations are read once (with the newest day of each account and region).
 */
export function impactSql(repo: Repository, changes: ImpactChanges): string {
  const db = quoteIdentifier(repo.org.glue.database);
  const subject = 'PARTITION BY part, subject';
  return `WITH ${statesSql(repo, changes, db)},
${expandedSql(changes)},
grouped AS (
  SELECT part, subject, account_id, rule, category, in_projection, score_compliance AS compliance_type,
    before_state, after_state,
    count(*) AS evaluations,
    count_if(compliance_type = 'COMPLIANT') AS compliant,
    count_if(compliance_type = 'NON_COMPLIANT') AS non_compliant,
    count_if(moved AND ${COUNTED}) AS moved,
    count_if(moved AND compliance_type = 'NON_COMPLIANT') AS moved_non_compliant
  FROM expanded
  GROUP BY part, subject, account_id, rule, category, in_projection, score_compliance, before_state, after_state
),
ranked AS (
  SELECT g.*,
    row_number() OVER (${subject} ORDER BY non_compliant DESC, moved DESC, evaluations DESC, account_id, rule) AS pair_rank,
    row_number() OVER (${subject}, account_id ORDER BY rule) AS account_rank
  FROM grouped AS g
),
totals AS (
  SELECT r.*,
    sum(evaluations) OVER (${subject}) AS subject_evaluations,
    sum(compliant) OVER (${subject}) AS subject_compliant,
    sum(non_compliant) OVER (${subject}) AS subject_non_compliant,
    sum(moved) OVER (${subject}) AS subject_moved,
    sum(moved_non_compliant) OVER (${subject}) AS subject_moved_non_compliant,
    sum(CASE WHEN account_rank = 1 THEN 1 ELSE 0 END) OVER (${subject}) AS accounts,
    count(*) OVER (${subject}) AS pairs
  FROM ranked AS r
)
SELECT part, subject, account_id, rule, category, in_projection, compliance_type, before_state, after_state,
  evaluations, compliant, non_compliant, moved, moved_non_compliant,
  subject_evaluations, subject_compliant, subject_non_compliant, subject_moved, subject_moved_non_compliant,
  accounts, pairs
FROM totals
WHERE part IN ('score', 'match') OR pair_rank <= ${IMPACT_TOP_PAIRS}`;
}
