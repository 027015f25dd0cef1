-- Which reviewed exception (config/exceptions.yaml) covers each catalog evaluation, on the day
-- of its snapshot (judged_evaluations says how an exception covers an evaluation): one row per
-- (account, region, day, catalog rule, resource) that one covers, where two member rules of an
-- account map to one catalog rule too. For ad-hoc questions; the views read judged_evaluations.
SELECT DISTINCT
  account_id,
  region,
  snapshot_date,
  catalog_rule AS rule,
  resource_type,
  resource_id,
  exception_id,
  exception_expires AS expires,
  exception_reason AS reason
FROM {{db}}.judged_evaluations
WHERE exception_id IS NOT NULL
