/** Where a catalog rule runs: its `regions` setting read against config/org.yaml. */
import type { OrgConfig, RuleRegions, RuleSpec } from './config.js';

/** The regions of org.yaml the rule is deployed to, in org.yaml's order. */
export function deployRegions(
  regions: RuleRegions,
  org: Pick<OrgConfig, 'regions' | 'homeRegion'>,
): string[] {
  if (regions === 'all') return [...org.regions];
  if (regions === 'home') return [org.homeRegion];
  return org.regions.filter((r) => regions.includes(r));
}

/** The rule's `regions` as one text value (catalog_rules.regions): `home`, `all`, or the listed regions sorted and joined by `,`. */
export function ruleRegionsText(rule: Pick<RuleSpec, 'regions'>): string {
  const { regions } = rule;
  return typeof regions === 'string' ? regions : [...regions].sort().join(',');
}
