/**
 * What a change to the exceptions, the exclusion tag, a rule's excludedAccounts or the catalog does
 * to today's data: the plan's `impact` (src/plan/impact.ts computes it, src/report/plan-impact.ts
 * shows it).
 */

/** The changes of a plan that move evaluations in or out of the score. */
export interface ImpactChanges {
  /** Exceptions of config/exceptions.yaml that differ from the deployed ones, by id. */
  exceptions: { id: string; change: 'new' | 'changed' | 'removed' }[];
  /** The exclusion tag of config/org.yaml differs from the one the deployed views use. */
  tag?: { key: string; value: string } | null;
  /** Catalog rules the repository no longer has, and the ones it adds. */
  removedRules: string[];
  newRules: string[];
  /** Accounts added to or removed from a deployed rule's excludedAccounts. */
  excludedAccounts: { rule: string; added: string[]; removed: string[] }[];
}

/** Evaluations that count for a score and those set aside, with the score they make. */
export interface ScoreTally {
  compliant: number;
  nonCompliant: number;
  excluded: number;
  score: number | null;
}

export interface ScoreChange {
  before: ScoreTally;
  after: ScoreTally;
}

/** One (account, rule) pair of a subject's evaluations. */
export interface ImpactPair {
  accountId: string;
  accountName: string | null;
  rule: string;
  evaluations: number;
  compliant: number;
  nonCompliant: number;
  /** Of them, the ones whose counting changes: they leave the score (after) or count again (before). */
  moved: number;
}

/** What a subject covers on one side (before: the deployed views; after: the repository). */
export interface ImpactSide {
  /** Every evaluation, NOT_APPLICABLE and INSUFFICIENT_DATA included. */
  evaluations: number;
  compliant: number;
  nonCompliant: number;
  accounts: number;
  /** Of them, the compliant and non-compliant ones whose counting changes. */
  moved: number;
  movedNonCompliant: number;
  /** Every (account, rule) pair there is; `top` holds the first of them, most non-compliant first. */
  pairs: number;
  top: ImpactPair[];
}

export type ImpactSubjectKind = 'exception' | 'tag' | 'rule-removed' | 'excluded-accounts';

/** One change and the evaluations it takes out of the score (after) or gives back (before). */
export interface ImpactSubject {
  kind: ImpactSubjectKind;
  /** Exception id, rule name, or `key=value` of the tag. */
  name: string;
  change: 'new' | 'changed' | 'removed';
  before: ImpactSide;
  after: ImpactSide;
}

/** A catalog rule not yet deployed, or accounts a rule evaluates again: where it will run. */
export interface RuleReach {
  rule: string;
  identifier: string;
  /** Active accounts of config/accounts.yaml the rule is not excluded from (or, returning, these). */
  accounts: string[];
  regions: string[];
  /** From the managed-rule facts (or the rule's own scope); empty when they name none. */
  resourceTypes: string[];
}

export interface PlanImpact {
  /** `computed`: the query ran; `skipped`: it did not, `reason` says why. */
  status: 'computed' | 'skipped';
  reason?: string;
  changes: ImpactChanges;
  scores?: { organization: ScoreChange; categories: ({ category: string } & ScoreChange)[] };
  subjects: ImpactSubject[];
  newRules: RuleReach[];
  /** Accounts removed from a rule's excludedAccounts: the rule will evaluate there again. */
  returning: RuleReach[];
}
