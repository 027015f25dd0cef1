-- Per catalog rule: evaluations on the newest snapshots and how many accounts fail it
-- ("rules nobody follows"). Rules with no evaluation at all are listed with zeros.
WITH counts AS (
  SELECT
    rule,
    count_if(NOT excluded AND compliance_type = 'COMPLIANT') AS compliant,
    count_if(NOT excluded AND compliance_type = 'NON_COMPLIANT') AS non_compliant,
    count_if(excluded AND compliance_type IN ('COMPLIANT', 'NON_COMPLIANT')) AS excluded,
    count(DISTINCT CASE WHEN NOT excluded AND compliance_type = 'NON_COMPLIANT' THEN account_id END)
      AS accounts_non_compliant,
    count(DISTINCT account_id) AS accounts_evaluated
  FROM {{db}}.evaluations
  WHERE in_catalog
  GROUP BY rule
)
SELECT
  r.rule,
  r.category,
  coalesce(c.compliant, 0) AS compliant,
  coalesce(c.non_compliant, 0) AS non_compliant,
  coalesce(c.excluded, 0) AS excluded,
  coalesce(c.accounts_non_compliant, 0) AS accounts_non_compliant,
  coalesce(c.accounts_evaluated, 0) AS accounts_evaluated,
  CAST(c.compliant AS double) / nullif(c.compliant + c.non_compliant, 0) AS score
FROM {{db}}.catalog_rules AS r
LEFT JOIN counts AS c
  ON c.rule = r.rule
