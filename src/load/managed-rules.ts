/**
 * Facts about AWS Config managed rules: identifiers, documented parameters with types and
 * defaults, trigger types, resource types, and the Regions they are offered in. Collected from
 * the AWS Config Developer Guide (stale as of 2023-04) plus later additions verified against the
 * current documentation.
 */

import { nearest } from '../model/nearest.js';
import guide from './data/managed-rules.json' with { type: 'json' };
import additions from './data/managed-rules-additions.json' with { type: 'json' };
import regionData from './data/managed-rules-regions.json' with { type: 'json' };

export type ParameterType = 'string' | 'int' | 'csv' | 'boolean' | 'double' | 'stringmap';

export interface ManagedRuleParameter {
  name: string;
  type: ParameterType;
  default: string | null;
  optional: boolean;
}

/**
 * Where the guide documents a managed rule: only in some Regions, or in every Region but some.
 * A rule without one is available everywhere.
 */
export type RegionAvailability = { availableIn: string[] } | { unavailableIn: string[] };

export interface ManagedRule {
  name: string;
  identifier: string;
  triggerTypes: ('ConfigurationChanges' | 'Periodic')[];
  resourceTypes: string[];
  parameters: ManagedRuleParameter[];
  regions?: RegionAvailability;
}

/** Whether AWS Config offers the managed rule in `region`, as documented. */
export function isAvailableIn(rule: ManagedRule, region: string): boolean {
  const r = rule.regions;
  if (!r) return true;
  return 'availableIn' in r ? r.availableIn.includes(region) : !r.unavailableIn.includes(region);
}

/** Where the rule is available, for messages: `only in us-east-1`, `in every region except …`. */
export function availabilityText(rule: ManagedRule): string {
  const r = rule.regions;
  if (!r) return 'in every region';
  return 'availableIn' in r
    ? `only in ${r.availableIn.join(', ')}`
    : `in every region except ${r.unavailableIn.join(', ')}`;
}

export class ManagedRuleCatalog {
  private readonly byIdentifier = new Map<string, ManagedRule>();

  constructor(rules: Iterable<ManagedRule>) {
    for (const rule of rules) this.byIdentifier.set(rule.identifier, rule);
  }

  get(identifier: string): ManagedRule | undefined {
    return this.byIdentifier.get(identifier);
  }

  get size(): number {
    return this.byIdentifier.size;
  }

  /** Known identifiers closest to a misspelled one. */
  nearestIdentifiers(identifier: string, limit = 3): string[] {
    const found = nearest(
      identifier,
      this.byIdentifier.keys(),
      limit,
      Math.max(3, Math.floor(identifier.length / 3)),
    );
    if (found.length) return found;
    // Fall back to identifiers sharing the most underscore-separated words.
    const words = new Set(identifier.toUpperCase().split('_'));
    return [...this.byIdentifier.keys()]
      .map((id) => [id.split('_').filter((w) => words.has(w)).length, id] as const)
      .filter(([n]) => n > 0)
      .sort((a, b) => b[0] - a[0] || a[1].localeCompare(b[1]))
      .slice(0, limit)
      .map(([, id]) => id);
  }
}

let builtIn: ManagedRuleCatalog | undefined;

const documentedRegions: Record<string, { availableIn?: string[]; unavailableIn?: string[] }> =
  regionData.rules;

function withRegions(rule: ManagedRule): ManagedRule {
  const doc = documentedRegions[rule.identifier];
  if (doc?.availableIn) return { ...rule, regions: { availableIn: doc.availableIn } };
  if (doc?.unavailableIn) return { ...rule, regions: { unavailableIn: doc.unavailableIn } };
  return rule;
}

/**
 * The catalog shipped with this tool; additions replace guide entries with the same identifier.
 * Each rule carries its documented Region availability (data/managed-rules-regions.json).
 */
export function builtInManagedRules(): ManagedRuleCatalog {
  builtIn ??= new ManagedRuleCatalog(
    [...(guide.rules as ManagedRule[]), ...(additions.rules as unknown as ManagedRule[])].map(withRegions),
  );
  return builtIn;
}
