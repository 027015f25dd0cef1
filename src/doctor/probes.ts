/**
 * What `doctor --target aws` asks of AWS, one read-only question per method, so that the checks
 * (aws-checks.ts) stay pure and the calls live in the provider (src/providers/aws/doctor.ts).
 * Every method throws what the call threw (an error whose `name` is the service's error name).
 */
import type { TargetMode } from '../model/config.js';

export type RoleGroup = 'management' | 'data';

export interface CallerIdentity {
  account: string;
  arn: string;
}

export interface OrganizationFacts {
  id: string;
  managementAccountId: string;
}

/** One member account's deployment of an Organization Config Rule (GetOrganizationConfigRuleDetailedStatus). */
export interface MemberDeployment {
  accountId: string;
  status: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface MemberDeploymentPage {
  members: MemberDeployment[];
  /** More members than this first page holds. */
  more: boolean;
}

export interface QuickSightSubscription {
  /** AccountSubscriptionStatus, e.g. `ACCOUNT_CREATED`. */
  status: string;
  /** `STANDARD`, `ENTERPRISE`, `ENTERPRISE_AND_Q`. */
  edition: string;
}

/** A QuickSight user or group of org.yaml, resolved to where it lives. */
export interface QuickSightPrincipal {
  /** As written in config/org.yaml. */
  written: string;
  type: 'user' | 'group';
  accountId: string;
  region: string;
  namespace: string;
  name: string;
}

export interface SesIdentity {
  verifiedForSending: boolean;
}

export interface DoctorProbes {
  /** STS GetCallerIdentity with the default credential chain (who runs doctor). */
  callerIdentity(): Promise<CallerIdentity>;
  /** Obtains the credentials of the role of `group` in `mode` (sts:AssumeRole); `compact`: roles.data.compact. */
  assumeRole(group: RoleGroup, mode: TargetMode, arn: string): Promise<void>;
  /** The account of the data credentials (STS GetCallerIdentity with them). */
  dataAccount(): Promise<string>;
  /** Organizations DescribeOrganization, then ListRoots (the walk discover and plan make starts there). */
  organization(): Promise<OrganizationFacts>;
  /** Organizations ListDelegatedAdministrators for a service principal: their account ids. */
  delegatedAdministrators(servicePrincipal: string): Promise<string[]>;
  /** Config DescribeOrganizationConfigRules in `region`: the names of the caller's organization rules. */
  organizationRuleNames(region: string): Promise<string[]>;
  /** Config DescribeOrganizationConfigRuleStatuses, first page: rule name → OrganizationRuleStatus. */
  organizationRuleStatuses(region: string): Promise<Map<string, string>>;
  /** Config GetOrganizationConfigRuleDetailedStatus, first page: the rule's member accounts. */
  memberDeployments(region: string, rule: string): Promise<MemberDeploymentPage>;
  /** S3 ListObjectsV2 of the snapshot bucket, one key at most: the first key under `prefix`, if any. */
  firstKey(prefix: string): Promise<string | undefined>;
  /** S3 GetObject of one byte of `key` in the snapshot bucket (s3:GetObject and, if encrypted, kms:Decrypt). */
  readFirstByte(key: string): Promise<void>;
  /** Glue GetDatabase of glue.database: false when it does not exist. */
  glueDatabase(): Promise<boolean>;
  /** Glue GetTable of glue.database.glue.table: false when it does not exist. */
  glueTable(): Promise<boolean>;
  /** Athena GetWorkGroup, judged like the aws target judges it: where results go, or an error naming the fix. */
  athenaResultPlacement(): Promise<string>;
  /** QuickSight DescribeAccountSubscription of `accountId` in `region`; undefined when there is none. */
  quickSightSubscription(accountId: string, region: string): Promise<QuickSightSubscription | undefined>;
  /** QuickSight DescribeUser or DescribeGroup: false when it does not exist. */
  quickSightPrincipalExists(principal: QuickSightPrincipal): Promise<boolean>;
  /** SESv2 GetEmailIdentity with the default credentials; undefined when SES does not know it. */
  sesIdentity(identity: string, region: string): Promise<SesIdentity | undefined>;
  /** SESv2 GetAccount: whether the account may send to any address (out of the sandbox). */
  sesProductionAccess(region: string): Promise<boolean>;
}
