/**
 * Facts about AWS Config managed rules: identifiers, documented parameters with types and
 * defaults, trigger types, resource types, and the Regions they are offered in. Collected from
 * the AWS Config Developer Guide (stale as of 2023-04) plus later additions verified against the
 * current documentation.
 */

import { FRAMEWORKS, type Framework } from '../model/frameworks.js';
import { nearest } from '../model/nearest.js';
import { highestSeverity, isSeverity, type RatedSeverity, type Severity } from '../model/severity.js';
import { present } from '../model/values.js';
import guide from './data/managed-rules.json' with { type: 'json' };
import additions from './data/managed-rules-additions.json' with { type: 'json' };
import controlData from './data/managed-rules-controls.json' with { type: 'json' };
import regionData from './data/managed-rules-regions.json' with { type: 'json' };
import remediationData from './data/managed-rules-remediation.json' with { type: 'json' };

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

/** A Security Hub control a managed rule backs, with the control's severity. */
export interface SecurityHubControl {
  id: string;
  severity: RatedSeverity;
}

/** A framework requirement a managed rule maps to, through its Security Hub controls. */
export interface FrameworkControl {
  framework: Framework;
  control: string;
}

/** What the shipped data says about a managed rule beyond its parameters. */
export interface ManagedRuleFacts {
  /** The highest severity of its Security Hub controls, `unrated` when it backs none. */
  severity: Severity;
  securityHubControls: SecurityHubControl[];
  frameworks: FrameworkControl[];
  /** One sentence of our own on what to change (data/managed-rules-remediation.json). */
  remediation?: string;
  /** The rule's page in the AWS Config Developer Guide, for rules the data knows. */
  documentationUrl?: string;
}

interface ControlEntry {
  id: string;
  severity: string;
  identifier: string;
  frameworks: Record<string, string[]>;
}

const DOCUMENTATION_BASE = 'https://docs.aws.amazon.com/config/latest/developerguide/';

let controlsByIdentifier: Map<string, ControlEntry[]> | undefined;

function controlsOf(identifier: string): ControlEntry[] {
  if (!controlsByIdentifier) {
    controlsByIdentifier = new Map();
    for (const c of controlData.controls as ControlEntry[]) {
      const list = controlsByIdentifier.get(c.identifier);
      if (list) list.push(c);
      else controlsByIdentifier.set(c.identifier, [c]);
    }
  }
  return controlsByIdentifier.get(identifier) ?? [];
}

const remediations: Record<string, string> = remediationData.rules;

/**
 * Severity, Security Hub controls, framework requirements, remediation and documentation link of
 * a managed rule (data/managed-rules-controls.json, data/managed-rules-remediation.json).
 */
export function managedRuleFacts(
  identifier: string,
  catalog: ManagedRuleCatalog = builtInManagedRules(),
): ManagedRuleFacts {
  const entries = controlsOf(identifier);
  const securityHubControls = entries.map((c) => {
    if (!isSeverity(c.severity) || c.severity === 'unrated')
      throw new Error(`managed-rules-controls.json: control ${c.id} has severity '${c.severity}'`);
    return { id: c.id, severity: c.severity };
  });
  const seen = new Set<string>();
  const frameworks: FrameworkControl[] = [];
  for (const framework of FRAMEWORKS) {
    for (const c of entries) {
      for (const control of c.frameworks[framework] ?? []) {
        if (seen.has(`${framework} ${control}`)) continue;
        seen.add(`${framework} ${control}`);
        frameworks.push({ framework, control });
      }
    }
  }
  const name = catalog.get(identifier)?.name;
  return {
    severity: highestSeverity(securityHubControls.map((c) => c.severity)),
    securityHubControls,
    frameworks,
    ...present({
      remediation: remediations[identifier],
      documentationUrl: name === undefined ? undefined : `${DOCUMENTATION_BASE}${name}.html`,
    }),
  };
}

/** How many managed rules the shipped data maps to at least one Security Hub control. */
export function mappedManagedRuleCount(): number {
  return new Set((controlData.controls as ControlEntry[]).map((c) => c.identifier)).size;
}

/** A catalog rule's facts: its managed rule's, with the catalog's `severity` and `remediation` in their place when set. */
export function catalogRuleFacts(
  rule: { identifier: string; severity?: Severity; remediation?: string },
  catalog: ManagedRuleCatalog = builtInManagedRules(),
): ManagedRuleFacts {
  const facts = managedRuleFacts(rule.identifier, catalog);
  return {
    ...facts,
    ...present({ severity: rule.severity, remediation: rule.remediation }),
  };
}
