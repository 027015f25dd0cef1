-- The score per framework and per framework control, on the newest snapshots: a catalog rule
-- counts for every control it maps to (rule_controls); the framework's own row (control 'all')
-- counts each of its rules once. Excluded evaluations are counted apart and leave the score.
WITH per_rule AS (
  SELECT
    rule,
    count_if(NOT excluded AND compliance_type = 'COMPLIANT') AS compliant,
    count_if(NOT excluded AND compliance_type = 'NON_COMPLIANT') AS non_compliant,
    count_if(excluded AND compliance_type IN ('COMPLIANT', 'NON_COMPLIANT')) AS excluded
  FROM {{db}}.evaluations
  WHERE in_catalog
  GROUP BY rule
),
framework_rules AS (
  SELECT DISTINCT rule, framework
  FROM {{db}}.rule_controls
),
by_framework AS (
  SELECT
    f.framework,
    'all' AS control,
    count(*) AS rules,
    CAST(coalesce(sum(p.compliant), 0) AS bigint) AS compliant,
    CAST(coalesce(sum(p.non_compliant), 0) AS bigint) AS non_compliant,
    CAST(coalesce(sum(p.excluded), 0) AS bigint) AS excluded
  FROM framework_rules AS f
  LEFT JOIN per_rule AS p
    ON p.rule = f.rule
  GROUP BY f.framework
),
by_control AS (
  SELECT
    m.framework,
    m.control,
    count(*) AS rules,
    CAST(coalesce(sum(p.compliant), 0) AS bigint) AS compliant,
    CAST(coalesce(sum(p.non_compliant), 0) AS bigint) AS non_compliant,
    CAST(coalesce(sum(p.excluded), 0) AS bigint) AS excluded
  FROM {{db}}.rule_controls AS m
  LEFT JOIN per_rule AS p
    ON p.rule = m.rule
  GROUP BY m.framework, m.control
)
SELECT
  t.framework,
  t.control,
  t.rules,
  t.compliant,
  t.non_compliant,
  t.excluded,
  CAST(t.compliant AS double) / nullif(t.compliant + t.non_compliant, 0) AS score
FROM (
  SELECT framework, CAST(control AS varchar) AS control, rules, compliant, non_compliant, excluded
  FROM by_framework
  UNION ALL
  SELECT framework, control, rules, compliant, non_compliant, excluded
  FROM by_control
) AS t
