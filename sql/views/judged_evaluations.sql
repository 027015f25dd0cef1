-- One row per row of daily_evaluations, with the reviewed exception (config/exceptions.yaml)
-- that covers it on the day of its snapshot, if any; catalog evaluations only are covered. An
-- exception covers an evaluation when its rule pattern, account (or any), resource type and
-- resource id patterns match and every one of its tags is on the resource with the same value;
-- where several cover it, the first by id is taken (the tag test: no tag of the exception is
-- missing from the resource or has another value there). Whether it has expired is the reader's
-- (evaluations: today; trend: the day of the snapshot).
-- The exceptions are read once into a list and each evaluation looks its exception up in it, so
-- the evaluations are read once: a join of the exceptions with the evaluations and back again
-- read them twice, most of the bytes of every summary and of the trend.
WITH entries AS (
  -- One entry per exception, rule pattern and account (null: any), its tags a list.
  SELECT
    exception_id,
    rule_pattern,
    account_id,
    resource_type_pattern,
    resource_id_pattern,
    max(expires) AS expires,
    max(reason) AS reason,
    coalesce(
      array_agg(CAST(ROW(tag_key, tag_value) AS ROW(key varchar, value varchar))) FILTER (WHERE tag_key IS NOT NULL),
      CAST(ARRAY[] AS array(ROW(key varchar, value varchar)))
    ) AS tags
  FROM {{db}}.exceptions
  GROUP BY exception_id, rule_pattern, account_id, resource_type_pattern, resource_id_pattern
),
listed AS (
  SELECT
    array_agg(
      CAST(
        ROW(exception_id, rule_pattern, account_id, resource_type_pattern, resource_id_pattern, expires, reason, tags)
        AS ROW(
          exception_id varchar, rule_pattern varchar, account_id varchar, resource_type_pattern varchar,
          resource_id_pattern varchar, expires date, reason varchar, tags array(ROW(key varchar, value varchar))
        )
      )
      ORDER BY exception_id, rule_pattern, account_id
    ) AS entries
  FROM entries
),
covered AS (
  SELECT
    d.*,
    CASE
      WHEN d.in_catalog THEN element_at(
        filter(
          l.entries,
          x -> d.catalog_rule LIKE x.rule_pattern ESCAPE '\'
            AND (x.account_id IS NULL OR x.account_id = d.account_id)
            AND d.resource_type LIKE x.resource_type_pattern ESCAPE '\'
            AND d.resource_id LIKE x.resource_id_pattern ESCAPE '\'
            AND element_at(filter(x.tags, t -> NOT coalesce(element_at(d.tags, t.key) = t.value, false)), 1) IS NULL
        ),
        1
      )
    END AS exception
  FROM {{db}}.daily_evaluations AS d
  CROSS JOIN listed AS l
)
SELECT
  account_id,
  region,
  snapshot_date,
  snapshot_day,
  rule,
  category,
  in_catalog,
  catalog_rule,
  resource_type,
  resource_id,
  compliance_type,
  excluded_by_tag,
  exception.exception_id AS exception_id,
  exception.expires AS exception_expires,
  exception.reason AS exception_reason
FROM covered
