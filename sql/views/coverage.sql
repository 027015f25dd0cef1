-- Two kinds of gap. 'no-evaluation': a catalog rule with no evaluation at all in an active
-- account on its newest snapshots (its deployment failed there, or it has nothing to
-- evaluate); an account the rule's excludedAccounts names is no gap (the Organization Config
-- Rule is not deployed there by design). 'not-in-catalog': a rule found in the data that the
-- catalog does not define (Security Hub, Control Tower, conformance packs, rules made by hand),
-- by one name for all accounts: the random suffix each account's copy carries is removed.
--   securityhub-<rule>-<suffix>            Security Hub's service-linked rules ('-12345', '-a1b2c3')
--   <rule>-conformance-pack-<suffix>       conformance packs ('-szsm1uv0w', '-abcdef')
--   OrgConfigRule-<rule>-<suffix>          already removed by daily_evaluations
-- The suffix is removed from those whatever its characters (letters only too). Any other name
-- loses a last part of 6 to 8 lower-case letters and digits only when it holds a digit, so that
-- a hand-made 'ec2-volume-inuse-check' or 'logging-enabled' keeps its last word.
WITH evaluated AS (
  SELECT DISTINCT account_id, rule
  FROM {{db}}.evaluations
  WHERE in_catalog
),
missing AS (
  SELECT
    'no-evaluation' AS kind,
    a.account_id,
    r.rule,
    r.category,
    0 AS evaluations
  FROM {{db}}.accounts AS a
  CROSS JOIN {{db}}.catalog_rules AS r
  LEFT JOIN evaluated AS e
    ON e.account_id = a.account_id
    AND e.rule = r.rule
  WHERE a.state = 'ACTIVE'
    AND a.in_projection
    AND e.rule IS NULL
    AND strpos(',' || coalesce(r.excluded_accounts, '') || ',', ',' || a.account_id || ',') = 0
),
foreign_rules AS (
  SELECT
    CASE
      WHEN regexp_like(rule, '^securityhub-.+-[A-Za-z0-9]+$')
        OR regexp_like(rule, '.-conformance-pack-[A-Za-z0-9]+$')
        THEN regexp_replace(rule, '-[A-Za-z0-9]+$', '')
      WHEN rule NOT LIKE 'OrgConfigRule-%'
        AND length(regexp_extract(rule, '-([a-z0-9]+)$', 1)) BETWEEN 6 AND 8
        AND regexp_like(regexp_extract(rule, '-([a-z0-9]+)$', 1), '[0-9]')
        THEN regexp_replace(rule, '-[a-z0-9]+$', '')
      ELSE rule
    END AS rule,
    account_id
  FROM {{db}}.evaluations
  WHERE NOT in_catalog
)
SELECT kind, account_id, rule, category, evaluations
FROM missing
UNION ALL
SELECT
  'not-in-catalog' AS kind,
  CAST(NULL AS varchar) AS account_id,
  rule,
  CAST(NULL AS varchar) AS category,
  count(*) AS evaluations
FROM foreign_rules
GROUP BY rule
