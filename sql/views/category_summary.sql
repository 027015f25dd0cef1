-- The five categories side by side, on the newest snapshots.
WITH counts AS (
  SELECT
    category,
    count_if(NOT excluded AND compliance_type = 'COMPLIANT') AS compliant,
    count_if(NOT excluded AND compliance_type = 'NON_COMPLIANT') AS non_compliant,
    count_if(excluded AND compliance_type IN ('COMPLIANT', 'NON_COMPLIANT')) AS excluded
  FROM {{db}}.evaluations
  WHERE in_catalog
  GROUP BY category
)
SELECT
  k.category,
  coalesce(c.compliant, 0) AS compliant,
  coalesce(c.non_compliant, 0) AS non_compliant,
  coalesce(c.excluded, 0) AS excluded,
  CAST(c.compliant AS double) / nullif(c.compliant + c.non_compliant, 0) AS score
FROM (SELECT DISTINCT category FROM {{db}}.catalog_rules) AS k
LEFT JOIN counts AS c
  ON c.category = k.category
