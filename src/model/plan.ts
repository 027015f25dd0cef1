import type { PlanImpact } from './impact.js';
import type {
  CurrentResource,
  DesiredResource,
  PropertiesByKind,
  ResourceKind,
  ResourceStatus,
} from './resources.js';

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op';

export interface FieldDiff {
  /** Dotted path into the properties, e.g. `inputParameters.maxAccessKeyAge`. */
  path: string;
  before: unknown;
  after: unknown;
}

/** What the plan does to one resource of kind K. */
export interface ChangeOf<K extends ResourceKind> {
  action: ChangeAction;
  kind: K;
  key: string;
  region: string;
  /** Human name: rule name, `db.table` (see the kinds table). */
  name: string;
  before?: PropertiesByKind[K];
  after?: PropertiesByKind[K];
  diffs: FieldDiff[];
  /**
   * The update in words, where field paths would be a wall of JSON (QuickSight: by member, by
   * sheet and visual, by permission). Renderers show these lines instead of `diffs`.
   */
  description?: string[];
  status?: ResourceStatus;
  /** Order within the kind (see DesiredResource.rank). */
  rank?: number;
}

/** A change of any kind, or of kind K; correlated like DesiredResource. */
export type Change<K extends ResourceKind = ResourceKind> = { [P in K]: ChangeOf<P> }[K];

export type NoticeLevel = 'info' | 'warning' | 'error';

/** Something the plan reader must see that is not itself a change. */
export interface Notice {
  level: NoticeLevel;
  /** Resource key or area (`accounts`) it concerns. */
  subject: string;
  message: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  noop: number;
}

export interface Plan {
  /** Deletes first, then creates and updates in dependency order, then no-ops. */
  changes: Change[];
  notices: Notice[];
  summary: PlanSummary;
  /** True when any change is not a no-op. */
  hasChanges: boolean;
  /** Changes that touch a resource the tool does not own: apply refuses to run while any exist. */
  conflicts: Notice[];
  /**
   * What the plan's changes to the exceptions, the exclusion tag, the catalog or a rule's
   * excludedAccounts do to today's data (plan only, when it has such a change).
   */
  impact?: PlanImpact;
}

export type ChangeOutcome = 'done' | 'failed' | 'skipped';

export interface ChangeResult {
  change: Change;
  outcome: ChangeOutcome;
  error?: string;
}

export interface ApplyResult {
  results: ChangeResult[];
  /** Number of calls that changed state at the provider boundary. */
  writes: number;
  ok: boolean;
}

export type { CurrentResource, DesiredResource };
