-- FIXTURE, not deployed: sql/views/daily_evaluations.sql as it was before compaction (git show
-- 5bc91b3^:sql/views/daily_evaluations.sql), over the raw snapshot table. Kept only so that
-- `npm run bench:trino` (test/integration/trino/projection-enum.bench.ts) can measure the raw
-- table: the bench creates it, with every other view as shipped, in a second Glue database and
-- compares its time and bytes with the shipped view over the compacted tables (issue 13).
-- It gives out the columns the shipped view gives out now (`snapshot_day`, `catalog_rule` added,
-- `member_rule_name` gone, an organization rule outside the catalog named `OrgConfigRule-<name>`), with
-- the same values, so that the other views read it as they read the shipped one.
--
-- One row per (account, region, day, rule, resource): every evaluation in the newest
-- ConfigSnapshot file of each day, for the last {{trend_days}} days.
-- Several files on one day: the newest file (latest timestamp in its name) wins, so nothing
-- is counted twice. Rule names are mapped back from the member name
-- OrgConfigRule-<catalog name>-<suffix>; rules from elsewhere keep their own name.
-- Tags come from the target resource's own configuration item in the same file.
WITH files AS (
  SELECT
    account,
    region,
    CAST(date_parse(dt, '%Y/%c/%e') AS date) AS snapshot_date,
    "$path" AS snapshot_file,
    configurationitems,
    row_number() OVER (PARTITION BY account, region, dt ORDER BY "$path" DESC) AS newest
  FROM {{table}}
  WHERE itemtype = 'ConfigSnapshot'
    AND CAST(date_parse(dt, '%Y/%c/%e') AS date) >= current_date - INTERVAL '{{trend_days}}' DAY
),
items AS (
  SELECT
    f.account,
    f.region,
    f.snapshot_date,
    f.snapshot_file,
    ci.resourcetype AS item_type,
    ci.resourceid AS item_id,
    ci.configuration AS configuration,
    ci.tags AS tags
  FROM files AS f
  -- An array of rows unnests into one column per field (Trino; Athena refuses a single alias in
  -- a view): every field of the table's item struct is named, in the table's order.
  CROSS JOIN UNNEST(f.configurationitems) AS ci(
    configurationitemversion, configurationitemcapturetime, configurationstateid, awsaccountid,
    configurationitemstatus, resourcetype, resourceid, resourcename, arn, awsregion,
    availabilityzone, configurationstatemd5hash, configuration, supplementaryconfiguration, tags,
    relationships, resourcecreationtime
  )
  WHERE f.newest = 1
),
compliance AS (
  SELECT
    account,
    region,
    snapshot_date,
    snapshot_file,
    json_extract_scalar(configuration, '$.targetResourceType') AS resource_type,
    json_extract_scalar(configuration, '$.targetResourceId') AS resource_id,
    CAST(json_extract(configuration, '$.configRuleList') AS array(json)) AS rule_list
  FROM items
  WHERE item_type = 'AWS::Config::ResourceCompliance'
),
results AS (
  SELECT
    c.account,
    c.region,
    c.snapshot_date,
    c.snapshot_file,
    c.resource_type,
    c.resource_id,
    json_extract_scalar(r.rule_json, '$.configRuleName') AS member_rule_name,
    json_extract_scalar(r.rule_json, '$.complianceType') AS compliance_type
  FROM compliance AS c
  CROSS JOIN UNNEST(c.rule_list) AS r(rule_json)
),
targets AS (
  SELECT snapshot_file, item_type, item_id, tags
  FROM items
  WHERE item_type <> 'AWS::Config::ResourceCompliance'
),
named AS (
  SELECT
    r.*,
    regexp_extract(r.member_rule_name, '^OrgConfigRule-(.+)-[A-Za-z0-9]+$', 1) AS org_rule_name
  FROM results AS r
)
SELECT
  n.account AS account_id,
  n.region,
  n.snapshot_date,
  CAST(n.snapshot_date AS varchar) AS snapshot_day,
  n.snapshot_file,
  coalesce(cr.rule, 'OrgConfigRule-' || n.org_rule_name, n.member_rule_name) AS rule,
  cr.category,
  cr.rule IS NOT NULL AS in_catalog,
  cr.rule AS catalog_rule,
  n.resource_type,
  n.resource_id,
  n.compliance_type,
  t.tags,
  coalesce(element_at(t.tags, {{exclude_tag_key}}) = {{exclude_tag_value}}, false) AS excluded_by_tag
FROM named AS n
LEFT JOIN {{db}}.catalog_rules AS cr
  ON cr.rule = n.org_rule_name
LEFT JOIN targets AS t
  ON t.snapshot_file = n.snapshot_file
  AND t.item_type = n.resource_type
  AND t.item_id = n.resource_id
