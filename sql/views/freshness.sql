-- Each (account, region) the table's projection covers, with its newest snapshot in the last
-- {{trend_days}} days. Older than {{stale_after_days}} days, or none at all, is stale: Config
-- stopped recording there, or delivery to the bucket broke. (Closed and suspended accounts stay
-- in the projection for their retention window; the report lists stale ACTIVE accounts only.)
WITH newest AS (
  SELECT account, region, max(CAST(date_parse(dt, '%Y/%c/%e') AS date)) AS last_snapshot
  FROM {{table}}
  WHERE itemtype = 'ConfigSnapshot'
    AND CAST(date_parse(dt, '%Y/%c/%e') AS date) >= current_date - INTERVAL '{{trend_days}}' DAY
  GROUP BY account, region
)
SELECT
  p.account_id,
  a.account_name,
  a.state,
  p.region,
  n.last_snapshot,
  date_diff('day', n.last_snapshot, current_date) AS days_since,
  n.last_snapshot IS NULL OR date_diff('day', n.last_snapshot, current_date) > {{stale_after_days}} AS stale
FROM {{db}}.projection AS p
LEFT JOIN newest AS n
  ON n.account = p.account_id
  AND n.region = p.region
LEFT JOIN {{db}}.accounts AS a
  ON a.account_id = p.account_id
