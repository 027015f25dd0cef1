/**
 * The AWS side of `doctor --target aws`: each probe of src/doctor/probes.ts as read-only calls
 * through the client factory and the retrying send-wrapper. Who runs doctor and SES use the
 * default credential chain (the report e-mails with it); Organizations and Config use the
 * management role of the mode, everything else the data role, as the aws target does. Nothing is
 * written, not even the apply lock.
 */

import {
  DescribeOrganizationConfigRuleStatusesCommand,
  DescribeOrganizationConfigRulesCommand,
  GetOrganizationConfigRuleDetailedStatusCommand,
} from '@aws-sdk/client-config-service';
import { GetDatabaseCommand, GetTableCommand } from '@aws-sdk/client-glue';
import {
  DescribeOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import {
  DescribeAccountSubscriptionCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
} from '@aws-sdk/client-quicksight';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { DoctorProbes, QuickSightPrincipal, RoleGroup } from '../../doctor/probes.js';
import type { AccessMode, OrgConfig, TargetMode } from '../../model/config.js';
import { organizationsRegion } from '../../model/partition.js';
import { present } from '../../model/values.js';
import { AthenaQueryRunner } from './athena.js';
import {
  type AwsClientOptions,
  type AwsClients,
  type AwsCredentialSources,
  clientSettings,
  createAwsClients,
} from './clients.js';
import { CONFIG_PAGE_SIZE } from './config-rules.js';
import { credentialSources } from './credentials.js';
import { ORGANIZATIONS_PAGE_SIZE } from './organization.js';
import { allPages, nextToken } from './paging.js';
import { AwsCallError, type AwsSend, createSend, errorName } from './retry.js';

export interface AwsDoctorOptions {
  org: OrgConfig;
  /** Clients on the default credential chain: who runs doctor. */
  base: AwsClients;
  /** Clients with the mode's roles of config/org.yaml, as the aws target builds them. */
  clients: AwsClients;
  /** The credential providers of the mode's roles (absent: no role for that group). */
  credentials: AwsCredentialSources;
  /** The provider of roles.data.compact, when config/org.yaml names it (compact's role). */
  compactCredentials?: AwsCredentialIdentityProvider;
  /** SESv2 on the default credential chain, as the report action sends. */
  ses: (region: string) => Pick<SESv2Client, 'send'>;
  send: AwsSend;
}

/** The probes against AWS for `mode`, with clients from the factory (`endpoint` for moto and tests). */
export function awsDoctorProbes(
  org: OrgConfig,
  mode: AccessMode,
  options: Pick<AwsClientOptions, 'endpoint'> & { maxAttempts?: number } = {},
): DoctorProbes {
  const endpoint = present({ endpoint: options.endpoint });
  const orgRegion = organizationsRegion(org.homeRegion);
  const credentials = credentialSources(org, mode, endpoint);
  const compactCredentials = org.roles.data?.compact
    ? credentialSources(org, 'compact', endpoint).data
    : undefined;
  const ses = new Map<string, SESv2Client>();
  return createDoctorProbes({
    org,
    base: createAwsClients({ ...endpoint, organizationsRegion: orgRegion }),
    clients: createAwsClients({ ...endpoint, credentials, organizationsRegion: orgRegion }),
    credentials,
    ...present({ compactCredentials }),
    ses: (region) => {
      let client = ses.get(region);
      if (!client) {
        client = new SESv2Client(clientSettings(region, endpoint));
        ses.set(region, client);
      }
      return client;
    },
    // Few retries: doctor answers quickly, and a check that keeps failing says so.
    send: createSend({ retry: { maxAttempts: options.maxAttempts ?? 3 } }),
  });
}

export function createDoctorProbes(o: AwsDoctorOptions): DoctorProbes {
  return { ...identityProbes(o), ...organizationProbes(o), ...dataProbes(o), ...serviceProbes(o) };
}

/** Who runs doctor, the roles of the mode, the account of the data credentials. */
function identityProbes(
  o: AwsDoctorOptions,
): Pick<DoctorProbes, 'callerIdentity' | 'assumeRole' | 'dataAccount'> {
  const { org, send } = o;
  const home = org.homeRegion;
  return {
    async callerIdentity() {
      const answer = await send(o.base.sts(home), new GetCallerIdentityCommand({}), {
        what: 'find who the credentials are (STS GetCallerIdentity)',
        region: home,
      });
      return { account: answer.Account ?? '', arn: answer.Arn ?? '' };
    },
    async assumeRole(group: RoleGroup, mode: TargetMode, arn: string) {
      const provider = mode === 'compact' ? o.compactCredentials : o.credentials[group];
      if (!provider) throw new Error(`config/org.yaml names no ${group} role for ${mode}`);
      try {
        await provider();
      } catch (error) {
        throw new AwsCallError(`assume ${arn}`, 'AssumeRole', home, error, 1);
      }
    },
    async dataAccount() {
      const region = org.quicksight.region;
      const answer = await send(o.clients.sts(region), new GetCallerIdentityCommand({}), {
        what: 'find the account of the data credentials (STS GetCallerIdentity)',
        region,
      });
      if (!answer.Account) throw new Error('STS GetCallerIdentity returned no account id');
      return answer.Account;
    },
  };
}

/** Organizations and Organization Config Rules, with the management credentials. */
function organizationProbes(
  o: AwsDoctorOptions,
): Pick<
  DoctorProbes,
  | 'organization'
  | 'delegatedAdministrators'
  | 'organizationRuleNames'
  | 'organizationRuleStatuses'
  | 'memberDeployments'
> {
  const { send } = o;
  const orgRegion = organizationsRegion(o.org.homeRegion);
  return {
    async organization() {
      const organizations = o.clients.organizations();
      const described = await send(organizations, new DescribeOrganizationCommand({}), {
        what: 'describe the organization',
        region: orgRegion,
      });
      await send(organizations, new ListRootsCommand({ MaxResults: ORGANIZATIONS_PAGE_SIZE }), {
        what: "list the organization's roots",
        region: orgRegion,
      });
      return {
        id: described.Organization?.Id ?? '',
        managementAccountId: described.Organization?.MasterAccountId ?? '',
      };
    },
    async delegatedAdministrators(servicePrincipal: string) {
      const pages = await allPages((token) =>
        send(
          o.clients.organizations(),
          new ListDelegatedAdministratorsCommand({
            ServicePrincipal: servicePrincipal,
            MaxResults: ORGANIZATIONS_PAGE_SIZE,
            ...nextToken(token),
          }),
          { what: `list the delegated administrators for ${servicePrincipal}`, region: orgRegion },
        ),
      );
      return pages.flatMap((p) => p.DelegatedAdministrators ?? []).map((a) => a.Id ?? '');
    },
    async organizationRuleNames(region: string) {
      const pages = await allPages((token) =>
        send(
          o.clients.config(region),
          new DescribeOrganizationConfigRulesCommand({ Limit: CONFIG_PAGE_SIZE, ...nextToken(token) }),
          { what: 'list Organization Config Rules', region },
        ),
      );
      return pages
        .flatMap((p) => p.OrganizationConfigRules ?? [])
        .map((r) => r.OrganizationConfigRuleName ?? '');
    },
    async organizationRuleStatuses(region: string) {
      const page = await send(
        o.clients.config(region),
        new DescribeOrganizationConfigRuleStatusesCommand({ Limit: CONFIG_PAGE_SIZE }),
        { what: 'read Organization Config Rule statuses', region },
      );
      return new Map(
        (page.OrganizationConfigRuleStatuses ?? []).map((s) => [
          s.OrganizationConfigRuleName ?? '',
          s.OrganizationRuleStatus ?? '',
        ]),
      );
    },
    async memberDeployments(region: string, rule: string) {
      const page = await send(
        o.clients.config(region),
        new GetOrganizationConfigRuleDetailedStatusCommand({
          OrganizationConfigRuleName: rule,
          Limit: CONFIG_PAGE_SIZE,
        }),
        { what: `read the member accounts of Organization Config Rule ${rule}`, region },
      );
      return {
        members: (page.OrganizationConfigRuleDetailedStatus ?? []).map((m) => ({
          accountId: m.AccountId ?? '',
          status: m.MemberAccountRuleStatus ?? '',
          ...present({ errorCode: m.ErrorCode, errorMessage: m.ErrorMessage }),
        })),
        more: page.NextToken !== undefined && page.NextToken !== '',
      };
    },
  };
}

/** The snapshot bucket, Glue and Athena, with the data credentials. */
function dataProbes(
  o: AwsDoctorOptions,
): Pick<DoctorProbes, 'firstKey' | 'readFirstByte' | 'glueDatabase' | 'glueTable' | 'athenaResultPlacement'> {
  const { org, send } = o;
  const glue = org.glue.region;
  const bucket = org.snapshots.bucket;
  return {
    async firstKey(prefix: string) {
      const page = await send(
        o.clients.s3(glue),
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }),
        { what: `list s3://${bucket}/${prefix}`, region: glue },
      );
      return page.Contents?.[0]?.Key;
    },
    async readFirstByte(key: string) {
      const answer = await send(
        o.clients.s3(glue),
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }),
        { what: `read s3://${bucket}/${key}`, region: glue },
      );
      // Read to the end, so that the connection is free again.
      await answer.Body?.transformToString();
    },
    glueDatabase: () =>
      existing(() =>
        send(o.clients.glue(glue), new GetDatabaseCommand({ Name: org.glue.database }), {
          what: `read Glue database ${org.glue.database}`,
          region: glue,
        }),
      ),
    glueTable: () =>
      existing(() =>
        send(
          o.clients.glue(glue),
          new GetTableCommand({ DatabaseName: org.glue.database, Name: org.glue.table }),
          { what: `read Glue table ${org.glue.database}.${org.glue.table}`, region: glue },
        ),
      ),
    async athenaResultPlacement() {
      const runner = new AthenaQueryRunner({
        clients: o.clients,
        send,
        region: glue,
        workgroup: org.athena.workgroup,
        ...present({ outputLocation: org.athena.outputLocation }),
        database: org.glue.database,
      });
      return (await runner.resultPlacement()).description;
    },
  };
}

/** QuickSight with the data credentials; SES with the default chain, as the report sends. */
function serviceProbes(
  o: AwsDoctorOptions,
): Pick<
  DoctorProbes,
  'quickSightSubscription' | 'quickSightPrincipalExists' | 'sesIdentity' | 'sesProductionAccess'
> {
  const { send } = o;
  return {
    quickSightSubscription: (accountId: string, region: string) => subscription(o, accountId, region),
    quickSightPrincipalExists: (principal: QuickSightPrincipal) => principalExists(o, principal),
    async sesIdentity(identity: string, region: string) {
      try {
        const answer = await send(o.ses(region), new GetEmailIdentityCommand({ EmailIdentity: identity }), {
          what: 'read the SES identity of the sender',
          region,
        });
        return { verifiedForSending: answer.VerifiedForSendingStatus === true };
      } catch (error) {
        if (errorName(error) === 'NotFoundException') return undefined;
        throw error;
      }
    },
    async sesProductionAccess(region: string) {
      const answer = await send(o.ses(region), new GetAccountCommand({}), {
        what: 'read the SES account (sandbox or production)',
        region,
      });
      return answer.ProductionAccessEnabled === true;
    },
  };
}

/** True when the read succeeds, false when Glue says it does not exist. */
async function existing(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (errorName(error) === 'EntityNotFoundException') return false;
    throw error;
  }
}

async function subscription(o: AwsDoctorOptions, accountId: string, region: string) {
  try {
    const answer = await o.send(
      o.clients.quicksight(region),
      new DescribeAccountSubscriptionCommand({ AwsAccountId: accountId }),
      { what: `read the QuickSight subscription of account ${accountId}`, region },
    );
    return {
      status: answer.AccountInfo?.AccountSubscriptionStatus ?? 'UNKNOWN',
      edition: answer.AccountInfo?.Edition ?? 'UNKNOWN',
    };
  } catch (error) {
    // No subscription: QuickSight answers that the account is not signed up, or not subscribed.
    if (['ResourceNotFoundException', 'UnsupportedUserEditionException'].includes(errorName(error)))
      return undefined;
    throw error;
  }
}

async function principalExists(o: AwsDoctorOptions, p: QuickSightPrincipal): Promise<boolean> {
  const common = { AwsAccountId: p.accountId, Namespace: p.namespace };
  const context = {
    what: `read QuickSight ${p.type} ${p.name} (namespace ${p.namespace})`,
    region: p.region,
  };
  try {
    if (p.type === 'group')
      await o.send(
        o.clients.quicksight(p.region),
        new DescribeGroupCommand({ ...common, GroupName: p.name }),
        context,
      );
    else
      await o.send(
        o.clients.quicksight(p.region),
        new DescribeUserCommand({ ...common, UserName: p.name }),
        context,
      );
    return true;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return false;
    throw error;
  }
}
