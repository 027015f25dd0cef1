-- The score per severity, on the newest snapshots: a rule's severity is the catalog's own, or the
-- highest of the Security Hub controls its managed rule backs, or unrated (catalog_rules).
-- Excluded evaluations are counted apart and leave the score. Severities with no evaluation are
-- listed with zeros.
WITH counts AS (
  SELECT
    r.severity,
    count_if(NOT e.excluded AND e.compliance_type = 'COMPLIANT') AS compliant,
    count_if(NOT e.excluded AND e.compliance_type = 'NON_COMPLIANT') AS non_compliant,
    count_if(e.excluded AND e.compliance_type IN ('COMPLIANT', 'NON_COMPLIANT')) AS excluded
  FROM {{db}}.evaluations AS e
  JOIN {{db}}.catalog_rules AS r
    ON r.rule = e.rule
  WHERE e.in_catalog
  GROUP BY r.severity
),
per_severity AS (
  SELECT severity, count(*) AS rules
  FROM {{db}}.catalog_rules
  GROUP BY severity
)
SELECT
  k.severity,
  coalesce(c.compliant, 0) AS compliant,
  coalesce(c.non_compliant, 0) AS non_compliant,
  coalesce(c.excluded, 0) AS excluded,
  CAST(c.compliant AS double) / nullif(c.compliant + c.non_compliant, 0) AS score,
  k.rules
FROM per_severity AS k
LEFT JOIN counts AS c
  ON c.severity = k.severity
