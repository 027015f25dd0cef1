-- One row per (account, region, day, rule, resource): every evaluation in the newest
-- ConfigSnapshot file of each day, for the last {{trend_days}} days, read from the compacted
-- table that `org-compliance compact` writes (docs/compaction.md): the compaction already kept
-- the newest file of each account, region and day (the latest timestamp in its name; one file
-- per account, region and day, so these three name it), streamed it whatever its size, and
-- joined each result with its target resource's tags.
-- `dt` is compared as the ISO text it is, so the engine prunes the day partitions before it
-- lists anything. Rule names are mapped back from the member name
-- OrgConfigRule-<catalog name>-<suffix> once per distinct name, not once per evaluation; rules
-- from elsewhere keep their own name.
WITH member_rules AS (
  SELECT
    member_rule_name,
    regexp_extract(member_rule_name, '^OrgConfigRule-(.+)-[A-Za-z0-9]+$', 1) AS org_rule_name
  FROM (
    SELECT DISTINCT member_rule_name
    FROM {{evaluations}}
    WHERE dt >= CAST(current_date - INTERVAL '{{trend_days}}' DAY AS varchar)
  ) AS names
),
catalog AS (
  SELECT m.member_rule_name, cr.rule, cr.category
  FROM member_rules AS m
  JOIN {{db}}.catalog_rules AS cr
    ON cr.rule = m.org_rule_name
)
SELECT
  e.account_id,
  e.region,
  CAST(e.dt AS date) AS snapshot_date,
  coalesce(c.rule, e.member_rule_name) AS rule,
  e.member_rule_name,
  c.category,
  c.rule IS NOT NULL AS in_catalog,
  e.resource_type,
  e.resource_id,
  e.compliance_type,
  e.tags,
  coalesce(element_at(e.tags, {{exclude_tag_key}}) = {{exclude_tag_value}}, false) AS excluded_by_tag
FROM {{evaluations}} AS e
LEFT JOIN catalog AS c
  ON c.member_rule_name = e.member_rule_name
WHERE e.dt >= CAST(current_date - INTERVAL '{{trend_days}}' DAY AS varchar)
