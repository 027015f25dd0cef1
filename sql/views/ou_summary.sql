-- Per OU, at every level of the tree: an account in /Root/Workloads/Prod counts in /Root,
-- /Root/Workloads and /Root/Workloads/Prod. The tree is made of the OU paths (accounts.yaml's
-- `ou`) of the active accounts in the projection, whatever its depth: each path is split at '/'
-- and every prefix up to one of its parts is an OU (its length is the running sum of the parts'
-- lengths, one '/' before each). parent is the OU one level up (NULL for the root), depth 1 for
-- the root. Counted as account_summary counts: catalog evaluations on the newest snapshots,
-- excluded ones apart; accounts_non_compliant is the number of the OU's accounts with at least
-- one non-compliant evaluation that is not excluded.
WITH counted AS (
  SELECT account_id, ou
  FROM {{db}}.accounts
  WHERE state = 'ACTIVE'
    AND in_projection
),
parts AS (
  SELECT
    o.ou,
    p.n,
    p.part,
    substr(o.ou, 1, CAST(sum(length(p.part) + 1) OVER (PARTITION BY o.ou ORDER BY p.n) AS integer) - 1) AS path
  FROM (SELECT DISTINCT ou FROM counted) AS o
  CROSS JOIN UNNEST(split(o.ou, '/')) WITH ORDINALITY AS p(part, n)
),
levels AS (
  SELECT
    ou,
    path,
    row_number() OVER (PARTITION BY ou ORDER BY n) AS depth,
    lag(path) OVER (PARTITION BY ou ORDER BY n) AS parent
  FROM parts
  WHERE part <> ''
),
account_counts AS (
  SELECT
    account_id,
    count_if(NOT excluded AND compliance_type = 'COMPLIANT') AS compliant,
    count_if(NOT excluded AND compliance_type = 'NON_COMPLIANT') AS non_compliant,
    count_if(excluded AND compliance_type IN ('COMPLIANT', 'NON_COMPLIANT')) AS excluded
  FROM {{db}}.evaluations
  WHERE in_catalog
  GROUP BY account_id
)
SELECT
  l.path AS ou,
  l.parent,
  l.depth,
  count(*) AS accounts,
  count_if(coalesce(c.non_compliant, 0) > 0) AS accounts_non_compliant,
  sum(coalesce(c.compliant, 0)) AS compliant,
  sum(coalesce(c.non_compliant, 0)) AS non_compliant,
  sum(coalesce(c.excluded, 0)) AS excluded,
  CAST(sum(coalesce(c.compliant, 0)) AS double)
    / nullif(sum(coalesce(c.compliant, 0)) + sum(coalesce(c.non_compliant, 0)), 0) AS score
FROM counted AS a
JOIN levels AS l
  ON l.ou = a.ou
LEFT JOIN account_counts AS c
  ON c.account_id = a.account_id
GROUP BY l.path, l.parent, l.depth
