-- New and resolved findings: one row per (account, region, rule, resource, since, change). A
-- finding is a catalog evaluation that is NON_COMPLIANT and not excluded. For each account and
-- region, its newest snapshot (the one `evaluations` reads: the newest within {{window_days}}
-- days) is compared with a reference snapshot:
--   since = 'yesterday'  the newest snapshot of that account and region at least 1 day older than
--                        its newest, and at most 1 + {{window_days}} days older;
--   since = 'week'       the same at least 7 and at most 7 + {{window_days}} days older.
-- That is the snapshot the report read on that earlier day (`evaluations` there took the newest
-- within {{window_days}} days), and it is measured from the account's own newest snapshot, not
-- from today, so a delivery that arrives after the report runs is compared once, the next day.
--   change = 'new'       a finding on the newest snapshot that was not one on the reference;
--   change = 'resolved'  a finding on the reference that is not one on the newest snapshot (the
--                        resource passes, is excluded now, or was not evaluated any more).
-- An account and region with no reference snapshot in that range contributes nothing (its
-- findings are not all "new"). Exclusions are judged as the views judge them on each day: on the
-- newest snapshot as of today (as `evaluations`), on the reference as of its own day (as `trend`),
-- both with today's exceptions and tag: an exception that expired in between makes its findings
-- new; an exception added today covers both sides, so it changes nothing here.
-- Only the days that can matter are read: from {{window_days}} + 7 + {{window_days}} days back,
-- pruned on snapshot_day; only NON_COMPLIANT catalog rows are judged, in one pass.
WITH delivered AS (
  SELECT DISTINCT account_id, region, snapshot_date
  FROM {{db}}.daily_evaluations
  WHERE snapshot_day >= CAST(current_date - INTERVAL '{{window_days}}' DAY - INTERVAL '7' DAY - INTERVAL '{{window_days}}' DAY AS varchar)
),
newest AS (
  SELECT account_id, region, max(snapshot_date) AS newest
  FROM delivered
  WHERE snapshot_date >= current_date - INTERVAL '{{window_days}}' DAY
  GROUP BY account_id, region
),
compared AS (
  SELECT
    n.account_id,
    n.region,
    n.newest,
    max(CASE WHEN date_diff('day', d.snapshot_date, n.newest) BETWEEN 1 AND 1 + {{window_days}} THEN d.snapshot_date END)
      AS yesterday,
    max(CASE WHEN date_diff('day', d.snapshot_date, n.newest) BETWEEN 7 AND 7 + {{window_days}} THEN d.snapshot_date END)
      AS week
  FROM newest AS n
  JOIN delivered AS d
    ON d.account_id = n.account_id
    AND d.region = n.region
  GROUP BY n.account_id, n.region, n.newest
),
findings AS (
  SELECT
    j.account_id,
    j.region,
    j.catalog_rule AS rule,
    j.resource_type,
    j.resource_id,
    coalesce(bool_or(
      j.snapshot_date = c.newest
      AND NOT (j.excluded_by_tag OR (j.exception_id IS NOT NULL AND j.exception_expires >= current_date))
    ), false) AS now_failing,
    coalesce(bool_or(
      j.snapshot_date = c.yesterday
      AND NOT (j.excluded_by_tag OR (j.exception_id IS NOT NULL AND j.exception_expires >= j.snapshot_date))
    ), false) AS yesterday_failing,
    coalesce(bool_or(
      j.snapshot_date = c.week
      AND NOT (j.excluded_by_tag OR (j.exception_id IS NOT NULL AND j.exception_expires >= j.snapshot_date))
    ), false) AS week_failing,
    c.yesterday IS NOT NULL AS has_yesterday,
    c.week IS NOT NULL AS has_week
  FROM {{db}}.judged_evaluations AS j
  JOIN compared AS c
    ON c.account_id = j.account_id
    AND c.region = j.region
    AND (j.snapshot_date = c.newest OR j.snapshot_date = c.yesterday OR j.snapshot_date = c.week)
  WHERE j.snapshot_day >= CAST(current_date - INTERVAL '{{window_days}}' DAY - INTERVAL '7' DAY - INTERVAL '{{window_days}}' DAY AS varchar)
    AND j.in_catalog
    AND j.compliance_type = 'NON_COMPLIANT'
  GROUP BY j.account_id, j.region, j.catalog_rule, j.resource_type, j.resource_id, c.yesterday, c.week
),
changes AS (
  SELECT
    f.account_id,
    f.region,
    f.rule,
    f.resource_type,
    f.resource_id,
    s.since,
    CASE
      WHEN f.now_failing THEN 'new'
      ELSE 'resolved'
    END AS change
  FROM findings AS f
  CROSS JOIN (VALUES 'yesterday', 'week') AS s(since)
  WHERE CASE
    WHEN s.since = 'yesterday' THEN f.has_yesterday AND f.now_failing <> f.yesterday_failing
    ELSE f.has_week AND f.now_failing <> f.week_failing
  END
)
SELECT
  x.account_id,
  a.account_name,
  a.ou,
  a.owner,
  x.region,
  x.rule,
  r.category,
  r.severity,
  x.resource_type,
  x.resource_id,
  x.since,
  x.change
FROM changes AS x
LEFT JOIN {{db}}.accounts AS a
  ON a.account_id = x.account_id
LEFT JOIN {{db}}.catalog_rules AS r
  ON r.rule = x.rule
