-- FIXTURE, not deployed: sql/views/freshness.sql as it was before compaction (git show
-- 5bc91b3^:sql/views/freshness.sql), over the raw snapshot table. Kept only so that
-- `npm run bench:trino` (test/integration/trino/projection-enum.bench.ts) can measure the raw
-- table: the bench creates it, with every other view as shipped, in a second Glue database and
-- compares its time and bytes with the shipped view over the compacted tables (issue 13).
--
-- Each (account, region) the table's projection covers, with its newest snapshot in the last
-- {{trend_days}} days (the window this view reads) and its status:
--   fresh               the newest snapshot is at most {{stale_after_days}} days old;
--   stopped_delivering  it had snapshots, but the newest is older than {{stale_after_days}} days:
--                       Config stopped recording there, or delivery to the bucket broke;
--   never_delivered     expected (in the projection) but no snapshot file at all in the window:
--                       the delivery channel sets no snapshot delivery frequency (only
--                       ConfigHistory files arrive), Config is not set up in that region, or it
--                       delivers to another bucket or prefix. An account/region that stopped more
--                       than {{trend_days}} days ago looks the same: the window is all it reads.
-- `stale` (kept for the dashboards) is true for stopped_delivering and never_delivered alike.
-- Closed and suspended accounts stay in the projection for their retention window; the report
-- lists ACTIVE accounts only.
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
  n.last_snapshot IS NULL OR date_diff('day', n.last_snapshot, current_date) > {{stale_after_days}} AS stale,
  CASE
    WHEN n.last_snapshot IS NULL THEN 'never_delivered'
    WHEN date_diff('day', n.last_snapshot, current_date) > {{stale_after_days}} THEN 'stopped_delivering'
    ELSE 'fresh'
  END AS status
FROM {{db}}.projection AS p
LEFT JOIN newest AS n
  ON n.account = p.account_id
  AND n.region = p.region
LEFT JOIN {{db}}.accounts AS a
  ON a.account_id = p.account_id
