/**
 * Facts about AWS Config managed rules: identifiers, documented parameters with types and
 * defaults, trigger types. Collected from the AWS Config Developer Guide (stale as of
 * 2023-04) plus later additions verified against the current documentation.
 */

import { nearest } from '../model/nearest.js';
import guide from './data/managed-rules.json' with { type: 'json' };
import additions from './data/managed-rules-additions.json' with { type: 'json' };

export type ParameterType = 'string' | 'int' | 'csv' | 'boolean' | 'double' | 'stringmap';

export interface ManagedRuleParameter {
  name: string;
  type: ParameterType;
  default: string | null;
  optional: boolean;
}

export interface ManagedRule {
  name: string;
  identifier: string;
  triggerTypes: ('ConfigurationChanges' | 'Periodic')[];
  resourceTypes: string[];
  parameters: ManagedRuleParameter[];
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

/** The catalog shipped with this tool; additions replace guide entries with the same identifier. */
export function builtInManagedRules(): ManagedRuleCatalog {
  builtIn ??= new ManagedRuleCatalog([
    ...(guide.rules as ManagedRule[]),
    ...(additions.rules as unknown as ManagedRule[]),
  ]);
  return builtIn;
}
