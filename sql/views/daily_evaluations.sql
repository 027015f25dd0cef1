-- One row per (account, region, day, rule, resource): every evaluation in the newest
-- ConfigSnapshot file of each day, for the last {{trend_days}} days, read from the compacted
-- table that `org-compliance compact` writes (docs/compaction.md): the compaction already kept
-- the newest file of each account, region and day (the latest timestamp in its name), streamed
-- it whatever its size, and joined each result with its target resource's tags.
-- `dt` is compared as the ISO text it is, so the engine prunes the day partitions before it
-- lists anything. Rule names are mapped back from the member name
-- OrgConfigRule-<catalog name>-<suffix>; rules from elsewhere keep their own name.
WITH named AS (
  SELECT
    e.account_id,
    e.region,
    CAST(e.dt AS date) AS snapshot_date,
    e.snapshot_file,
    e.member_rule_name,
    regexp_extract(e.member_rule_name, '^OrgConfigRule-(.+)-[A-Za-z0-9]+$', 1) AS org_rule_name,
    e.resource_type,
    e.resource_id,
    e.compliance_type,
    e.tags
  FROM {{evaluations}} AS e
  WHERE e.dt >= CAST(current_date - INTERVAL '{{trend_days}}' DAY AS varchar)
)
SELECT
  n.account_id,
  n.region,
  n.snapshot_date,
  n.snapshot_file,
  coalesce(cr.rule, n.member_rule_name) AS rule,
  n.member_rule_name,
  cr.category,
  cr.rule IS NOT NULL AS in_catalog,
  n.resource_type,
  n.resource_id,
  n.compliance_type,
  n.tags,
  coalesce(element_at(n.tags, {{exclude_tag_key}}) = {{exclude_tag_value}}, false) AS excluded_by_tag
FROM named AS n
LEFT JOIN {{db}}.catalog_rules AS cr
  ON cr.rule = n.org_rule_name
