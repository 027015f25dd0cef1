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
-- Deliveries are read from the compacted files table (one row per snapshot file compacted, even
-- one without evaluations), its ISO day partitions pruned by the predicate on dt. A file the
-- compaction could not read (truncated or corrupt gzip, JSON that is not a snapshot) is recorded
-- there without counts (`items` null) and is not a delivery: its day counts as not delivered, so
-- the figures stay those of the newest readable day and, if no file reads again for
-- {{stale_after_days}} days, the account/region shows as stopped_delivering (docs/compaction.md).
WITH newest AS (
  SELECT account_id, region, max(CAST(dt AS date)) AS last_snapshot
  FROM {{evaluation_files}}
  WHERE dt >= CAST(current_date - INTERVAL '{{trend_days}}' DAY AS varchar)
    AND items IS NOT NULL
  GROUP BY account_id, region
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
  ON n.account_id = p.account_id
  AND n.region = p.region
LEFT JOIN {{db}}.accounts AS a
  ON a.account_id = p.account_id
