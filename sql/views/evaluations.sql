-- One row per (account, region, rule, resource) on the newest snapshot of each
-- (account, region) within the last {{window_days}} days, so an account that missed a
-- delivery does not vanish. Excluded evaluations stay here, flagged with the reason, and
-- leave the score: a resource tagged for exclusion, or a reviewed exception that has not
-- expired (it stops applying by itself the day after its expiry date).
-- The window's days are picked by `snapshot_day`, the day as the ISO text of the partition, on
-- both reads (the evaluations and their latest days), so the engine reads those days only, not
-- the whole trend window.
WITH latest AS (
  SELECT account_id, region, max(snapshot_date) AS snapshot_date
  FROM {{db}}.daily_evaluations
  WHERE snapshot_day >= CAST(current_date - INTERVAL '{{window_days}}' DAY AS varchar)
  GROUP BY account_id, region
)
SELECT
  d.account_id,
  a.account_name,
  a.ou,
  d.region,
  d.snapshot_date,
  d.rule,
  d.category,
  d.in_catalog,
  d.resource_type,
  d.resource_id,
  d.compliance_type,
  d.excluded_by_tag OR (d.exception_id IS NOT NULL AND d.exception_expires >= current_date) AS excluded,
  CASE
    WHEN d.excluded_by_tag THEN 'tag ' || {{exclude_tag_key}} || '=' || {{exclude_tag_value}}
    WHEN d.exception_id IS NOT NULL AND d.exception_expires >= current_date
      THEN 'exception ' || d.exception_id || ' (until ' || CAST(d.exception_expires AS varchar) || '): ' || d.exception_reason
  END AS exclusion_reason
FROM {{db}}.judged_evaluations AS d
JOIN latest AS l
  ON l.account_id = d.account_id
  AND l.region = d.region
  AND l.snapshot_date = d.snapshot_date
LEFT JOIN {{db}}.accounts AS a
  ON a.account_id = d.account_id
WHERE d.snapshot_day >= CAST(current_date - INTERVAL '{{window_days}}' DAY AS varchar)
