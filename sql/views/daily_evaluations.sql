-- One row per (account, region, day, rule, resource): every evaluation in the newest
-- ConfigSnapshot file of each day, for the last {{trend_days}} days, read from the compacted
-- table that `org-compliance compact` writes (docs/compaction.md): the compaction already kept
-- the newest file of each account, region and day (the latest timestamp in its name; one file
-- per account, region and day, so these three name it), streamed it whatever its size, joined
-- each result with its target resource's tags, and took <name> out of the member rule name
-- OrgConfigRule-<name>-<suffix> (org_rule_name; the suffix differs per account and region, so
-- the compaction keeps member_rule_name only for rules that are not the organization's).
-- `dt` is compared as the ISO text it is, so the engine prunes the day partitions before it
-- lists anything; it is given out as `snapshot_day` so that views reading fewer days (the
-- summaries' window) filter on it and are pruned the same way (a filter on `snapshot_date`, a
-- cast of it, is applied to the rows after every day of the trend window was read). A rule of the
-- catalog is named as the catalog names it; an organization rule outside it (another tool's)
-- `OrgConfigRule-<name>`, one name in every account; rules from elsewhere keep their own name.
-- `catalog_rule` is the catalog's name alone (null outside the catalog).
SELECT
  e.account_id,
  e.region,
  CAST(e.dt AS date) AS snapshot_date,
  e.dt AS snapshot_day,
  coalesce(cr.rule, 'OrgConfigRule-' || e.org_rule_name, e.member_rule_name) AS rule,
  cr.category,
  cr.rule IS NOT NULL AS in_catalog,
  cr.rule AS catalog_rule,
  e.resource_type,
  e.resource_id,
  e.compliance_type,
  e.tags,
  coalesce(element_at(e.tags, {{exclude_tag_key}}) = {{exclude_tag_value}}, false) AS excluded_by_tag
FROM {{evaluations}} AS e
LEFT JOIN {{db}}.catalog_rules AS cr
  ON cr.rule = e.org_rule_name
WHERE e.dt >= CAST(current_date - INTERVAL '{{trend_days}}' DAY AS varchar)
