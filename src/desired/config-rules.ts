import type { OrgConfig, RuleSpec } from '../model/config.js';
import { type ConfigRuleProperties, type DesiredResource, resourceKey } from '../model/resources.js';
import { deployRegions } from '../model/rule-regions.js';

/** Rule properties exactly as a provider will read them back. */
export function configRuleProperties(rule: RuleSpec): ConfigRuleProperties {
  const p: ConfigRuleProperties = {
    name: rule.name,
    identifier: rule.identifier,
    description: rule.description,
    inputParameters: { ...rule.parameters },
    resourceTypesScope: [...rule.resourceTypesScope],
    excludedAccounts: [...rule.excludedAccounts].sort(),
  };
  if (rule.maximumExecutionFrequency) p.maximumExecutionFrequency = rule.maximumExecutionFrequency;
  if (rule.resourceIdScope) p.resourceIdScope = rule.resourceIdScope;
  if (rule.tagKeyScope) p.tagKeyScope = rule.tagKeyScope;
  if (rule.tagValueScope) p.tagValueScope = rule.tagValueScope;
  return p;
}

/** The catalog × regions: global rules only in the home region, listed rules only where listed. */
export function desiredConfigRules(org: OrgConfig, rules: RuleSpec[]): DesiredResource<'config-rule'>[] {
  const out: DesiredResource<'config-rule'>[] = [];
  const where = new Map(rules.map((rule) => [rule, new Set(deployRegions(rule.regions, org))]));
  for (const region of org.regions) {
    for (const rule of rules) {
      if (!where.get(rule)?.has(region)) continue;
      out.push({
        kind: 'config-rule',
        key: resourceKey('config-rule', region, rule.name),
        region,
        properties: configRuleProperties(rule),
      });
    }
  }
  return out;
}
