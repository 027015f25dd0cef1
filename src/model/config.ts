/** Typed repository model: what `load` produces from config/*.yaml. */
import type { QuickSightSource } from './quicksight.js';
import type { Severity } from './severity.js';

export const CATEGORIES = ['security', 'cost', 'performance', 'backup', 'deletion-protection'] as const;
export type Category = (typeof CATEGORIES)[number];

export const ACCOUNT_STATES = [
  'PENDING_ACTIVATION',
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export const EXECUTION_FREQUENCIES = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;
export type ExecutionFrequency = (typeof EXECUTION_FREQUENCIES)[number];

export interface OrgConfig {
  organizationId: string;
  /** Regions the rule catalog is deployed to. */
  regions: string[];
  /** Where global (IAM, account-level) rules run, and where Glue/Athena live unless `glue.region` says otherwise. */
  homeRegion: string;
  snapshots: {
    bucket: string;
    /** Key prefix before `[<org-id>/]AWSLogs/`, without leading or trailing slash; empty for none. */
    prefix: string;
    /** Organization / Control Tower buckets put `<org-id>/` before `AWSLogs/`. */
    orgIdInPath: boolean;
  };
  projection: {
    /** First day the date projection covers, `YYYY-MM-DD`. */
    startDate: string;
  };
  glue: {
    database: string;
    table: string;
    region: string;
  };
  ownership: {
    /** Tag (or Glue table parameter) that marks a resource as owned by this tool. */
    tagKey: string;
    tagValue: string;
    /** Appended to every Organization Config Rule description (the API takes no tags). */
    descriptionMarker: string;
  };
  /**
   * Where org-compliance keeps data of its own in S3 (the reference tables its views read): a
   * bucket and key prefix that nothing else writes to. Default: the snapshot bucket, `org-compliance`.
   */
  data: {
    bucket: string;
    /** Key prefix without leading or trailing slash; empty for the bucket's root. */
    prefix: string;
  };
  /** Closed or suspended accounts stay in the projection enum this many days after they left ACTIVE. */
  closedAccountRetentionDays: number;
  athena: {
    /** Workgroup for view deployment and report queries. */
    workgroup: string;
    /** Query result location, when the workgroup does not enforce its own. */
    outputLocation?: string;
  };
  compliance: ComplianceSettings;
  github: {
    /** Merge the nightly accounts pull request by itself when it changes config/accounts.yaml only. */
    autoMergeAccounts: boolean;
  };
  report: {
    /** Who gets the nightly report by e-mail (Amazon SES); empty for none. */
    recipients: string[];
    /** The SES-verified sender. */
    from?: string;
    /** Link to the dashboard in the report. */
    dashboardUrl?: string;
  };
  quicksight: QuickSightSettings;
  /** IAM roles the aws target assumes; absent means the default credentials serve everything. */
  roles: {
    /** Organizations and Organization Config Rules: the management account or a delegated administrator. */
    management?: RolePair;
    /** Glue (and the other data services) in the account that holds the snapshot bucket. */
    data?: DataRoles;
  };
}

/** Where and for whom quicksight/ deploys. */
export interface QuickSightSettings {
  /** The account QuickSight runs in; absent: the account of the data credentials (STS GetCallerIdentity). */
  accountId?: string;
  /** Region of the data source, data sets, analyses and dashboards (default glue.region). */
  region: string;
  /** Region of QuickSight's users and groups (where QuickSight was signed up); default us-east-1. */
  identityRegion: string;
  /** QuickSight namespace of the short principal forms; default `default`. */
  namespace: string;
  /** Principals with full control, as written: user/group ARNs or `group/<name>` / `user/<name>`. */
  owners: string[];
  /** Principals that may open the dashboard. */
  viewers: string[];
  /**
   * Viewers may also build analyses of their own on the data source and data sets (PassDataSource,
   * PassDataSet and the reads around them); false (the default) gives them the dashboard only.
   */
  viewersCanAuthor: boolean;
}

/** How the compliance views read the snapshots. */
export interface ComplianceSettings {
  /** An account/region's newest snapshot counts if it is at most this many days old. */
  windowDays: number;
  /** An account/region whose newest snapshot is older than this many days is stale. */
  staleAfterDays: number;
  /** Days of history in the trend view. */
  trendDays: number;
  /** A resource carrying this tag (exact key and value) is excluded from the score. */
  excludeTag?: { key: string; value: string };
}

/** A reviewed exception from config/exceptions.yaml: matching evaluations are excluded until it expires. */
export interface ExceptionSpec {
  id: string;
  /** Catalog rule names; `*` matches any run of characters. */
  rules: string[];
  /** Account ids; empty means every account. */
  accounts: string[];
  /** Glob (`*`, `?`) on the resource type, e.g. `AWS::S3::*`; absent means any. */
  resourceType?: string;
  /** Glob on the resource id; absent means any. */
  resourceId?: string;
  /** Every tag here must be on the resource with exactly this value. */
  tags: Record<string, string>;
  reason: string;
  owner?: string;
  ticket?: string;
  /** Last day the exception applies, `YYYY-MM-DD`. */
  expires: string;
}

/** A read-only role for plans and a write role for applies. */
export interface RolePair {
  read: string;
  write: string;
}

export type AccessMode = 'read' | 'write';

/**
 * The data account's roles: the pair, and the role `compact` assumes (the nightly job): the
 * snapshot files read, the compacted tables written, nothing else. Absent: `compact` assumes `write`.
 */
export interface DataRoles extends RolePair {
  compact?: string;
}

/**
 * Which roles a run of the aws target assumes: the read or the write pair, or compaction's
 * (`roles.data.compact`, else `roles.data.write`, and no management role at all).
 */
export type TargetMode = AccessMode | 'compact';

export interface Account {
  id: string;
  name: string;
  state: AccountState;
  /** OU path from the root, e.g. `/Root/Workloads/Prod`. */
  ouPath: string;
  /** Date the account joined the organization, `YYYY-MM-DD`. */
  joined: string;
  /** Date the account was first seen out of ACTIVE (set by discover), `YYYY-MM-DD`. */
  closed?: string;
  /** Fields a person added (owner, cost centre, ...), kept verbatim. */
  extra: Record<string, unknown>;
}

/**
 * Where a rule is deployed: `home` (the home region only), `all` (every region of org.yaml), or
 * the listed regions, each one of org.yaml's (for rules AWS Config offers in some regions only).
 */
export type RuleRegions = 'home' | 'all' | readonly string[];

export interface RuleSpec {
  name: string;
  category: Category;
  identifier: string;
  description: string;
  /** Every parameter value, as strings, defaults filled in: sent explicitly. */
  parameters: Record<string, string>;
  maximumExecutionFrequency?: ExecutionFrequency;
  resourceTypesScope: string[];
  resourceIdScope?: string;
  tagKeyScope?: string;
  tagValueScope?: string;
  excludedAccounts: string[];
  regions: RuleRegions;
  /** The catalog's own severity, in place of the one of the managed rule's Security Hub controls. */
  severity?: Severity;
  /** The catalog's own remediation summary, in place of the shipped one. */
  remediation?: string;
}

export interface Repository {
  root: string;
  org: OrgConfig;
  accounts: Account[];
  rules: RuleSpec[];
  exceptions: ExceptionSpec[];
  /** Files of sql/views/, name (file name without .sql) → text. */
  views: ViewSource[];
  /** Files of quicksight/, parsed and validated (not yet resolved). */
  quicksight: QuickSightSource[];
}

export interface ViewSource {
  name: string;
  /** Repository-relative path, e.g. `sql/views/evaluations.sql`. */
  file: string;
  text: string;
}
