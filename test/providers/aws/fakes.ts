/** Test doubles shared by the AWS provider tests: fake time, a fixed org config, injected clients. */

import { AthenaClient } from '@aws-sdk/client-athena';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { GlueClient } from '@aws-sdk/client-glue';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { QuickSightClient } from '@aws-sdk/client-quicksight';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { OrgConfig } from '../../../src/model/config.js';
import type { AwsClients } from '../../../src/providers/aws/clients.js';

/** A clock that only moves when something sleeps; every sleep is recorded and returns at once. */
export function fakeTime(start = Date.UTC(2025, 5, 2, 9, 0, 0)) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    elapsed: () => now - start,
  };
}

export const ORG: OrgConfig = {
  organizationId: 'o-a1b2c3d4e5',
  regions: ['eu-west-1', 'eu-central-1', 'us-east-1'],
  homeRegion: 'eu-west-1',
  snapshots: { bucket: 'acme-config-snapshots', prefix: '', orgIdInPath: true },
  projection: { startDate: '2025-01-01' },
  glue: { database: 'org_compliance', table: 'config_snapshots', region: 'eu-west-1' },
  ownership: {
    tagKey: 'managed-by',
    tagValue: 'org-compliance',
    descriptionMarker: ' [managed by org-compliance]',
  },
  data: { bucket: 'acme-config-snapshots', prefix: 'org-compliance' },
  closedAccountRetentionDays: 365,
  athena: { workgroup: 'primary' },
  compliance: { windowDays: 7, staleAfterDays: 2, trendDays: 90 },
  github: { autoMergeAccounts: false },
  report: { recipients: [] },
  quicksight: {
    region: 'eu-west-1',
    identityRegion: 'us-east-1',
    namespace: 'default',
    owners: ['group/org-compliance-admins'],
    viewers: ['group/sre'],
    viewersCanAuthor: false,
  },
  roles: {},
};

/** Real SDK clients, one per region, for aws-sdk-client-mock to stub instance by instance. */
export function regionalClients(regions: string[]) {
  const organizations = new OrganizationsClient({ region: 'us-east-1' });
  const config = new Map(regions.map((region) => [region, new ConfigServiceClient({ region })]));
  const glue = new Map(regions.map((region) => [region, new GlueClient({ region })]));
  const athena = new Map(regions.map((region) => [region, new AthenaClient({ region })]));
  const quicksight = new Map(regions.map((region) => [region, new QuickSightClient({ region })]));
  const sts = new Map(regions.map((region) => [region, new STSClient({ region })]));
  const s3 = new Map(regions.map((region) => [region, new S3Client({ region })]));
  const clients: AwsClients = {
    organizations: () => organizations,
    config: (region) => {
      const client = config.get(region);
      if (!client) throw new Error(`test asked for a Config client in unexpected region ${region}`);
      return client;
    },
    glue: (region) => {
      const client = glue.get(region);
      if (!client) throw new Error(`test asked for a Glue client in unexpected region ${region}`);
      return client;
    },
    athena: (region) => {
      const client = athena.get(region);
      if (!client) throw new Error(`test asked for an Athena client in unexpected region ${region}`);
      return client;
    },
    quicksight: (region) => {
      const client = quicksight.get(region);
      if (!client) throw new Error(`test asked for a QuickSight client in unexpected region ${region}`);
      return client;
    },
    sts: (region) => {
      const client = sts.get(region);
      if (!client) throw new Error(`test asked for an STS client in unexpected region ${region}`);
      return client;
    },
    s3: (region) => {
      const client = s3.get(region);
      if (!client) throw new Error(`test asked for an S3 client in unexpected region ${region}`);
      return client;
    },
  };
  return { clients, organizations, config, glue, athena, quicksight, sts, s3 };
}

/** `$metadata` as the SDK puts it on a service exception. */
export function metadata(httpStatusCode = 400) {
  return {
    httpStatusCode,
    requestId: 'b1f5c6a0-3c1e-4b7e-9f2a-5d1e2c3b4a59',
    attempts: 1,
    totalRetryDelay: 0,
  };
}

/** The names of the commands a mock received, in order (`PutOrganizationConfigRule`, …). */
export function commandNames(calls: Array<{ args: readonly [object, ...unknown[]] }>): string[] {
  return calls.map((call) => call.args[0].constructor.name.replace(/Command$/, ''));
}
