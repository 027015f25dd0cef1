-- Which reviewed exception (config/exceptions.yaml) covers each catalog evaluation, on the day
-- of its snapshot. An exception with tags matches only if every one of its tags is on the
-- resource with the same value (each of its tag rows matched once, even where two member rules of
-- an account map to one catalog rule). Where several match, the first by id is taken.
WITH candidates AS (
  SELECT
    d.account_id,
    d.region,
    d.snapshot_date,
    d.rule,
    d.resource_type,
    d.resource_id,
    e.exception_id,
    e.rule_pattern,
    e.expires,
    e.reason,
    e.tag_key,
    e.tag_count
  FROM {{db}}.daily_evaluations AS d
  JOIN {{db}}.exceptions AS e
    ON d.rule LIKE e.rule_pattern ESCAPE '\'
    AND (e.account_id IS NULL OR e.account_id = d.account_id)
    AND d.resource_type LIKE e.resource_type_pattern ESCAPE '\'
    AND d.resource_id LIKE e.resource_id_pattern ESCAPE '\'
    AND (e.tag_key IS NULL OR element_at(d.tags, e.tag_key) = e.tag_value)
  WHERE d.in_catalog
),
complete AS (
  SELECT
    account_id,
    region,
    snapshot_date,
    rule,
    resource_type,
    resource_id,
    exception_id,
    max(expires) AS expires,
    max(reason) AS reason
  FROM candidates
  GROUP BY account_id, region, snapshot_date, rule, resource_type, resource_id, exception_id, rule_pattern
  HAVING count(DISTINCT coalesce(tag_key, '')) = max(tag_count)
),
ranked AS (
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY account_id, region, snapshot_date, rule, resource_type, resource_id
      ORDER BY exception_id
    ) AS pick
  FROM complete AS c
)
SELECT account_id, region, snapshot_date, rule, resource_type, resource_id, exception_id, expires, reason
FROM ranked
WHERE pick = 1
