-- One row per NON_COMPLIANT catalog evaluation on the newest snapshots (as `evaluations` picks
-- them), excluded ones included and flagged, with the account's name, OU and owner, the rule's
-- severity, and since when the resource has been failing that rule:
--   first_seen    the first day of the current run of failures. Only the days on which the
--                 account and region delivered a snapshot count (daily_evaluations has rows for
--                 them): the run is the consecutive delivered days, ending at the newest
--                 snapshot, on which that rule found that resource NON_COMPLIANT. A delivered day
--                 on which it was COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA or not evaluated at
--                 all ends the run; a day with no delivery from that account and region does not.
--                 When the run reaches back to the first delivered day of the trend window (the
--                 {{trend_days}} days daily_evaluations reads), first_seen is that day: the
--                 resource has been failing since then AT LEAST.
--   days_failing  days from first_seen to today.
-- The history is read once, NON_COMPLIANT catalog rows only and only the columns the run needs
-- (no tags: exclusions are the newest snapshots' concern, taken from `evaluations`); the
-- delivered days are distinct (account, region, day) triples of the same window. Runs are found
-- as islands: numbered in delivered-day order, a run's days keep day number minus their rank.
WITH delivered AS (
  SELECT
    account_id,
    region,
    snapshot_date,
    row_number() OVER (PARTITION BY account_id, region ORDER BY snapshot_date) AS day_number
  FROM (
    SELECT DISTINCT account_id, region, snapshot_date
    FROM {{db}}.daily_evaluations
  ) AS days
),
failed AS (
  SELECT DISTINCT account_id, region, snapshot_date, rule, resource_type, resource_id
  FROM {{db}}.daily_evaluations
  WHERE in_catalog
    AND compliance_type = 'NON_COMPLIANT'
),
runs AS (
  SELECT
    f.account_id,
    f.region,
    f.rule,
    f.resource_type,
    f.resource_id,
    f.snapshot_date,
    d.day_number - row_number() OVER (
      PARTITION BY f.account_id, f.region, f.rule, f.resource_type, f.resource_id
      ORDER BY d.day_number
    ) AS run
  FROM failed AS f
  JOIN delivered AS d
    ON d.account_id = f.account_id
    AND d.region = f.region
    AND d.snapshot_date = f.snapshot_date
),
spans AS (
  SELECT
    account_id,
    region,
    rule,
    resource_type,
    resource_id,
    min(snapshot_date) AS first_seen,
    max(snapshot_date) AS last_seen
  FROM runs
  GROUP BY account_id, region, rule, resource_type, resource_id, run
)
SELECT
  e.account_id,
  e.account_name,
  e.ou,
  a.owner,
  e.region,
  e.rule,
  e.category,
  r.severity,
  e.resource_type,
  e.resource_id,
  s.first_seen,
  CAST(date_diff('day', s.first_seen, current_date) AS integer) AS days_failing,
  e.excluded,
  e.exclusion_reason
FROM {{db}}.evaluations AS e
JOIN spans AS s
  ON s.account_id = e.account_id
  AND s.region = e.region
  AND s.rule = e.rule
  AND s.resource_type = e.resource_type
  AND s.resource_id = e.resource_id
  AND s.last_seen = e.snapshot_date
LEFT JOIN {{db}}.accounts AS a
  ON a.account_id = e.account_id
LEFT JOIN {{db}}.catalog_rules AS r
  ON r.rule = e.rule
WHERE e.in_catalog
  AND e.compliance_type = 'NON_COMPLIANT'
