/**
 * The in-process fake AWS (fake-aws.ts) with what `doctor` reads besides what the aws target
 * reads, answered and refused as AWS answers and refuses it:
 *
 * - Organizations: DescribeOrganization names the management account (MasterAccountId) to any
 *   member; ListRoots, the other List* calls and ListDelegatedAdministrators answer only the
 *   management account or a delegated administrator for Organizations (AccessDeniedException
 *   otherwise); ListDelegatedAdministrators pages at MaxResults 1–20.
 * - Config: the Organization Config Rule calls answer only the management account or a delegated
 *   administrator for config-multiaccountsetup.amazonaws.com (OrganizationAccessDeniedException);
 *   member deployments per rule (GetOrganizationConfigRuleDetailedStatus, Limit 0–100, paging;
 *   NoSuchOrganizationConfigRuleException for a rule that does not exist), and a rule's status is
 *   CREATE_FAILED when any member's deployment failed.
 * - STS GetCallerIdentity answers the configured caller ARN.
 * - S3 ListObjectsV2: keys in UTF-8 binary order under Prefix, MaxKeys (S3 returns at most 1,000),
 *   ContinuationToken; NoSuchBucket for a bucket that was never made (or holds nothing).
 * - QuickSight: DescribeAccountSubscription (ResourceNotFoundException without a subscription),
 *   DescribeUser and DescribeGroup answer only in the identity region (elsewhere an
 *   AccessDeniedException naming it, as QuickSight answers account-level and identity calls);
 *   users and groups only in a subscribed account, groups only in Enterprise.
 * - SESv2 GetEmailIdentity (NotFoundException for an unknown identity) and GetAccount.
 * - `deny(service, operation)`: that call is refused as for a missing permission (AccessDenied with
 *   HTTP 403 on S3, AccessDeniedException elsewhere).
 * Every call made with the fake's clients still lands in `calls` (SES calls in `sesCalls`).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { InitializeMiddleware } from '@smithy/types';
import type { OrganizationSnapshot } from '../model/provider.js';
import { FakeAws, type FakeAwsOptions, type FakeService } from './fake-aws.js';
import { awsError, type Json, pageOf } from './fake-service.js';

export interface DoctorFakeOptions extends FakeAwsOptions {
  /** The organization's management account (DescribeOrganization's MasterAccountId). Default: the caller's account. */
  managementAccountId?: string;
  /** What GetCallerIdentity answers as Arn. */
  callerArn?: string;
}

/** A member account's deployment of an organization rule, as GetOrganizationConfigRuleDetailedStatus returns it. */
export interface FakeMemberStatus {
  AccountId: string;
  ConfigRuleName: string;
  MemberAccountRuleStatus: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

const CONFIG_ORGANIZATION_OPERATIONS = new Set([
  'DescribeOrganizationConfigRules',
  'DescribeOrganizationConfigRuleStatuses',
  'GetOrganizationConfigRuleDetailedStatus',
  'PutOrganizationConfigRule',
  'DeleteOrganizationConfigRule',
]);
const ORGANIZATIONS_ADMIN_OPERATIONS = new Set([
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
  'ListDelegatedAdministrators',
]);
const CONFIG_PRINCIPAL = 'config-multiaccountsetup.amazonaws.com';
const ORGANIZATIONS_PRINCIPAL = 'organizations.amazonaws.com';

export class DoctorFakeAws extends FakeAws {
  readonly managementAccountId: string;
  callerArn: string;
  /** Service principal → the accounts registered as its delegated administrators. */
  readonly delegatedAdministrators = new Map<string, string[]>();
  /** `region/rule` → its member accounts' deployments. */
  readonly memberStatuses = new Map<string, FakeMemberStatus[]>();
  /** Buckets that exist even while empty. */
  readonly buckets = new Set<string>();
  /** The QuickSight subscription of the caller's account, if any, and its identity region. */
  quickSightSubscription: { edition: string; status: string; identityRegion: string } | undefined;
  /** QuickSight users and groups: `<type>/<namespace>/<name>`. */
  readonly quickSightPrincipals = new Set<string>();
  /** `region/identity` → whether it is verified for sending. */
  readonly sesIdentities = new Map<string, boolean>();
  /** region → SES production access (absent: the sandbox). */
  readonly sesProduction = new Map<string, boolean>();
  readonly sesCalls: { operation: string; region: string; input: Json }[] = [];
  readonly #denied = new Set<string>();

  constructor(org: OrganizationSnapshot, options: DoctorFakeOptions = {}) {
    super(org, options);
    this.managementAccountId = options.managementAccountId ?? this.accountId;
    this.callerArn =
      options.callerArn ?? `arn:aws:sts::${this.accountId}:assumed-role/org-compliance-github-nightly/doctor`;
  }

  /** Refuses `operation` of `service` from now on, as IAM refuses a call the policy does not allow. */
  deny(service: FakeService | 'ses', operation: string): void {
    this.#denied.add(`${service}:${operation}`);
  }

  /** A Config snapshot file (its content does not matter to doctor). */
  putObject(bucket: string, key: string, body = '{}'): void {
    this.buckets.add(bucket);
    this.objects.set(`${bucket}/${key}`, { body, etag: '"0"', metadata: {} });
  }

  /** SESv2 answered from this fake. */
  ses(region: string): SESv2Client {
    const client = new SESv2Client({
      region,
      credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
      maxAttempts: 1,
    });
    const answering: InitializeMiddleware<object, object> = (_next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const input = structuredClone(args.input as Json);
      this.sesCalls.push({ operation, region, input });
      this.#refuseDenied(
        'ses',
        operation,
        input.EmailIdentity === undefined
          ? undefined
          : `arn:aws:ses:${region}:${this.accountId}:identity/${String(input.EmailIdentity)}`,
      );
      return {
        response: undefined,
        output: { $metadata: {}, ...(this.#ses(operation, region, input) as object) },
      };
    };
    const stack = client.middlewareStack as unknown as {
      add(m: InitializeMiddleware<object, object>, o: object): void;
    };
    stack.add(answering, {
      step: 'initialize',
      name: 'answerFromFakeAws',
      priority: 'high',
    });
    return client;
  }

  override async answer(
    service: FakeService,
    operation: string,
    region: string,
    request: Json,
  ): Promise<unknown> {
    const start = performance.now();
    let answered = false;
    try {
      this.#refuseDenied(service, operation);
      this.#requireAdministrators(service, operation);
      const mine = this.#mine(service, operation, region, request);
      if (mine) {
        answered = true;
        return mine();
      }
    } catch (error) {
      answered = true;
      throw error;
    } finally {
      if (answered) {
        this.calls.push({
          service,
          operation,
          region,
          input: structuredClone(request),
          start,
          end: performance.now(),
        });
      }
    }
    return super.answer(service, operation, region, request);
  }

  /** Organizations' and Config's organization-wide calls: only for the management account or a delegated administrator. */
  #requireAdministrators(service: FakeService, operation: string): void {
    if (service === 'organizations' && ORGANIZATIONS_ADMIN_OPERATIONS.has(operation))
      this.#requireAdministrator(ORGANIZATIONS_PRINCIPAL, 'AccessDeniedException');
    if (service === 'config' && CONFIG_ORGANIZATION_OPERATIONS.has(operation))
      this.#requireAdministrator(CONFIG_PRINCIPAL, 'OrganizationAccessDeniedException');
  }

  /** The answer this class gives, or undefined to let the base fake answer. */
  #mine(service: FakeService, operation: string, region: string, input: Json): (() => unknown) | undefined {
    if (service === 'organizations') return this.#organizations(operation, input);
    if (service === 'config' && operation === 'GetOrganizationConfigRuleDetailedStatus')
      return () => this.#memberPage(region, input);
    if (service === 'config' && operation === 'DescribeOrganizationConfigRuleStatuses')
      return () => this.#statuses(region, input);
    if (service === 'sts' && operation === 'GetCallerIdentity') {
      return () => ({ UserId: 'AROAFAKE:doctor', Account: this.accountId, Arn: this.callerArn });
    }
    if (service === 's3' && operation === 'ListObjectsV2') return () => this.#list(input);
    if (service === 'quicksight') return this.#quickSight(operation, region, input);
    return undefined;
  }

  /** IAM's refusal; with a resource, its message names it (`… on resource: <arn> because …`), as AWS's does. */
  #refuseDenied(service: string, operation: string, resource?: string): void {
    if (!this.#denied.has(`${service}:${operation}`)) return;
    if (service === 's3') throw awsError('AccessDenied', 'Access Denied', { status: 403 });
    const on = resource === undefined ? '' : ` on resource: ${resource}`;
    throw awsError(
      'AccessDeniedException',
      `User: ${this.callerArn} is not authorized to perform: ${service}:${operation}${on} because no identity-based policy allows the ${service}:${operation} action`,
      { status: 403 },
    );
  }

  #isAdministrator(principal: string): boolean {
    return (
      this.accountId === this.managementAccountId ||
      (this.delegatedAdministrators.get(principal) ?? []).includes(this.accountId)
    );
  }

  #requireAdministrator(principal: string, name: string): void {
    if (this.#isAdministrator(principal)) return;
    throw awsError(
      name,
      name === 'AccessDeniedException'
        ? "You don't have permissions to access this resource."
        : 'This action can only be performed if you are a registered delegated administrator for AWS Config with permissions to call ListDelegatedAdministrators API.',
    );
  }

  #organizations(operation: string, input: Json): (() => unknown) | undefined {
    if (operation === 'DescribeOrganization') {
      return () => ({
        Organization: {
          Id: this.org.organizationId,
          FeatureSet: 'ALL',
          MasterAccountId: this.managementAccountId,
          Arn: `arn:aws:organizations::${this.managementAccountId}:organization/${this.org.organizationId}`,
        },
      });
    }
    if (operation !== 'ListDelegatedAdministrators') return undefined;
    return () => {
      const principal = input.ServicePrincipal === undefined ? undefined : String(input.ServicePrincipal);
      const all = [...this.delegatedAdministrators.entries()]
        .filter(([p]) => principal === undefined || p === principal)
        .flatMap(([, ids]) => ids);
      const { items, next } = pageOf([...new Set(all)], input, { limitKey: 'MaxResults', max: 20 });
      return {
        DelegatedAdministrators: items.map((id) => ({ Id: id, Status: 'ACTIVE' })),
        ...(next ? { NextToken: next } : {}),
      };
    };
  }

  #members(region: string, rule: string): FakeMemberStatus[] {
    return this.memberStatuses.get(`${region}/${rule}`) ?? [];
  }

  #memberPage(region: string, input: Json): unknown {
    const rule = String(input.OrganizationConfigRuleName);
    if (!this.rules.get(region)?.has(rule)) {
      throw awsError(
        'NoSuchOrganizationConfigRuleException',
        `The organization config rule ${rule} does not exist.`,
      );
    }
    const wanted =
      (input.Filters as { MemberAccountRuleStatus?: string; AccountId?: string } | undefined) ?? {};
    const members = this.#members(region, rule).filter(
      (m) =>
        (wanted.MemberAccountRuleStatus === undefined ||
          m.MemberAccountRuleStatus === wanted.MemberAccountRuleStatus) &&
        (wanted.AccountId === undefined || m.AccountId === wanted.AccountId),
    );
    // Limit 0 means the service's default page (100).
    const limited = input.Limit === 0 ? { ...input, Limit: 100 } : input;
    const { items, next } = pageOf(members, limited, { limitKey: 'Limit', max: 100 });
    return {
      OrganizationConfigRuleDetailedStatus: structuredClone(items),
      ...(next ? { NextToken: next } : {}),
    };
  }

  #statuses(region: string, input: Json): unknown {
    const names = input.OrganizationConfigRuleNames as string[] | undefined;
    const all = [...(this.rules.get(region)?.keys() ?? [])]
      .filter((name) => names === undefined || names.includes(name))
      .map((name) => ({
        OrganizationConfigRuleName: name,
        OrganizationRuleStatus: this.#members(region, name).some((m) =>
          m.MemberAccountRuleStatus.endsWith('_FAILED'),
        )
          ? 'CREATE_FAILED'
          : 'CREATE_SUCCESSFUL',
      }));
    const { items, next } = pageOf(all, input, { limitKey: 'Limit', max: 100 });
    return { OrganizationConfigRuleStatuses: items, ...(next ? { NextToken: next } : {}) };
  }

  #list(input: Json): unknown {
    const bucket = String(input.Bucket);
    const keys = [...this.objects.keys()]
      .filter((at) => at.startsWith(`${bucket}/`))
      .map((at) => at.slice(bucket.length + 1))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    if (!this.buckets.has(bucket) && keys.length === 0) {
      throw awsError('NoSuchBucket', 'The specified bucket does not exist', {
        status: 404,
        members: { BucketName: bucket },
      });
    }
    const max = Math.min(input.MaxKeys === undefined ? 1000 : Number(input.MaxKeys), 1000);
    if (!Number.isInteger(max) || max < 0)
      throw awsError('InvalidArgument', 'Provided max-keys not an integer or within integer range');
    const prefix = String(input.Prefix ?? '');
    const from = input.ContinuationToken === undefined ? 0 : Number(input.ContinuationToken);
    const matching = keys.filter((key) => key.startsWith(prefix));
    const page = matching.slice(from, from + max);
    const truncated = from + max < matching.length;
    return {
      Name: bucket,
      Prefix: prefix,
      MaxKeys: max,
      KeyCount: page.length,
      IsTruncated: truncated,
      ...(page.length
        ? {
            Contents: page.map((Key) => ({
              Key,
              Size: this.objects.get(`${bucket}/${Key}`)?.body.length ?? 0,
            })),
          }
        : {}),
      ...(truncated ? { NextContinuationToken: String(from + max) } : {}),
    };
  }

  #quickSight(operation: string, region: string, input: Json): (() => unknown) | undefined {
    if (!['DescribeAccountSubscription', 'DescribeUser', 'DescribeGroup'].includes(operation))
      return undefined;
    return () => {
      if (String(input.AwsAccountId) !== this.accountId) {
        throw awsError(
          'AccessDeniedException',
          `You are not authorized to access account ${String(input.AwsAccountId)}.`,
          { status: 401 },
        );
      }
      const subscription = this.quickSightSubscription;
      if (subscription && region !== subscription.identityRegion)
        throw wrongIdentityRegion(region, subscription.identityRegion);
      if (operation === 'DescribeAccountSubscription') {
        if (!subscription)
          throw awsError(
            'ResourceNotFoundException',
            `Account ${this.accountId} is not signed up with QuickSight.`,
            { status: 404 },
          );
        return {
          AccountInfo: {
            AccountName: 'acme',
            Edition: subscription.edition,
            AccountSubscriptionStatus: subscription.status,
            AuthenticationType: 'IAM_AND_QUICKSIGHT',
          },
          Status: 200,
        };
      }
      return this.#principal(operation, region, input);
    };
  }

  #principal(operation: string, region: string, input: Json): unknown {
    const subscription = this.quickSightSubscription;
    const namespace = String(input.Namespace);
    if (!subscription) {
      throw awsError(
        'ResourceNotFoundException',
        `Account ${this.accountId} is not signed up with QuickSight with namespace ${namespace}.`,
        { status: 404 },
      );
    }
    const group = operation === 'DescribeGroup';
    if (group && subscription.edition === 'STANDARD') {
      throw awsError('UnsupportedUserEditionException', 'Groups are not supported in the STANDARD edition.', {
        status: 403,
      });
    }
    const name = String(group ? input.GroupName : input.UserName);
    const key = `${group ? 'group' : 'user'}/${namespace}/${name}`;
    if (!this.quickSightPrincipals.has(key)) {
      throw awsError(
        'ResourceNotFoundException',
        `${group ? 'Group' : 'User'} ${name} not found in namespace ${namespace}.`,
        { status: 404 },
      );
    }
    const arn = `arn:aws:quicksight:${region}:${this.accountId}:${key}`;
    return group
      ? { Group: { Arn: arn, GroupName: name } }
      : { User: { Arn: arn, UserName: name, Active: true } };
  }

  #ses(operation: string, region: string, input: Json): unknown {
    if (operation === 'GetEmailIdentity') {
      const identity = String(input.EmailIdentity);
      const verified = this.sesIdentities.get(`${region}/${identity}`);
      if (verified === undefined)
        throw awsError('NotFoundException', `Email identity ${identity} does not exist.`, { status: 404 });
      return {
        IdentityType: identity.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
        VerifiedForSendingStatus: verified,
        VerificationStatus: verified ? 'SUCCESS' : 'PENDING',
      };
    }
    if (operation === 'GetAccount') {
      return {
        ProductionAccessEnabled: this.sesProduction.get(region) === true,
        SendingEnabled: true,
        EnforcementStatus: 'HEALTHY',
      };
    }
    throw awsError('UnknownOperationException', `The fake SES does not implement ${operation}`);
  }
}

/** QuickSight's answer to an account-level or identity call made outside the identity region. */
function wrongIdentityRegion(region: string, identityRegion: string): Error {
  return awsError(
    'AccessDeniedException',
    `Operation is being called from endpoint ${region}, but your identity region is ${identityRegion}. Please use the ${identityRegion} endpoint.`,
    { status: 401 },
  );
}
