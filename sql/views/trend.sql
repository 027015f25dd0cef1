-- Score per day over the last {{trend_days}} days, per account and per category (and for the
-- whole organization, where account_id and category are both 'all'), from each day's newest
-- snapshot. A reviewed exception counts on the days up to its expiry.
WITH daily AS (
  SELECT
    d.snapshot_date,
    d.account_id,
    d.category,
    d.compliance_type,
    d.excluded_by_tag OR (d.exception_id IS NOT NULL AND d.exception_expires >= d.snapshot_date) AS excluded
  FROM {{db}}.judged_evaluations AS d
  WHERE d.in_catalog
),
scored AS (
  SELECT
    snapshot_date,
    account_id,
    category,
    count_if(NOT excluded AND compliance_type = 'COMPLIANT') AS compliant,
    count_if(NOT excluded AND compliance_type = 'NON_COMPLIANT') AS non_compliant
  FROM daily
  GROUP BY GROUPING SETS ((snapshot_date, account_id), (snapshot_date, category), (snapshot_date))
)
SELECT
  snapshot_date,
  CASE WHEN account_id IS NULL AND category IS NULL THEN 'organization' WHEN account_id IS NULL THEN 'category' ELSE 'account' END
    AS scope,
  coalesce(account_id, 'all') AS account_id,
  coalesce(category, 'all') AS category,
  compliant,
  non_compliant,
  CAST(compliant AS double) / nullif(compliant + non_compliant, 0) AS score
FROM scored
