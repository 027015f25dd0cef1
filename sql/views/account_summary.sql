-- Per account: catalog evaluations on the newest snapshots, excluded ones apart, and the
-- score compliant / (compliant + non-compliant). NOT_APPLICABLE and INSUFFICIENT_DATA are
-- not counted. Every account of accounts.yaml that delivered or should have is listed.
WITH counts AS (
  SELECT
    account_id,
    count_if(NOT excluded AND compliance_type = 'COMPLIANT') AS compliant,
    count_if(NOT excluded AND compliance_type = 'NON_COMPLIANT') AS non_compliant,
    count_if(excluded AND compliance_type IN ('COMPLIANT', 'NON_COMPLIANT')) AS excluded,
    max(snapshot_date) AS last_snapshot
  FROM {{db}}.evaluations
  WHERE in_catalog
  GROUP BY account_id
)
SELECT
  a.account_id,
  a.account_name,
  a.ou,
  a.state,
  coalesce(c.compliant, 0) AS compliant,
  coalesce(c.non_compliant, 0) AS non_compliant,
  coalesce(c.excluded, 0) AS excluded,
  CAST(c.compliant AS double) / nullif(c.compliant + c.non_compliant, 0) AS score,
  c.last_snapshot
FROM {{db}}.accounts AS a
LEFT JOIN counts AS c
  ON c.account_id = a.account_id
WHERE a.in_projection
