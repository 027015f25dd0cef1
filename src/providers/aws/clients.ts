/**
 * The one place that builds SDK clients. Every client gets its region, `maxAttempts: 1` (retry.ts
 * is the only retry loop), the user agent `org-compliance/<version>`, and an explicit endpoint
 * only when one was asked for, so that the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
 * handling keeps working.
 */

import { AthenaClient } from '@aws-sdk/client-athena';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { GlueClient } from '@aws-sdk/client-glue';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { QuickSightClient } from '@aws-sdk/client-quicksight';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { VERSION } from '../../version.js';

/** Organizations is a global service served from us-east-1. */
export const ORGANIZATIONS_REGION = 'us-east-1';

export const USER_AGENT_NAME = 'org-compliance';

export interface AwsClients {
  organizations(): OrganizationsClient;
  config(region: string): ConfigServiceClient;
  glue(region: string): GlueClient;
  /** Athena in the account that holds the snapshot bucket (the data credentials, like Glue). */
  athena(region: string): AthenaClient;
  /** QuickSight in the account that holds the snapshot bucket (the data credentials, like Glue and Athena). */
  quicksight(region: string): QuickSightClient;
  /** STS with the data credentials: which account they belong to (QuickSight's ARNs name it). */
  sts(region: string): STSClient;
}

/** Where each client's credentials come from: absent means the default provider chain. */
export interface AwsCredentialSources {
  /** Organizations and Config (the management account or a delegated administrator). */
  management?: AwsCredentialIdentityProvider;
  /** Glue, Athena and the other data services (the account that holds the snapshot bucket). */
  data?: AwsCredentialIdentityProvider;
}

export interface AwsClientOptions {
  credentials?: AwsCredentialSources;
  /** Send every call here instead of AWS (moto, LocalStack, tests). Leave unset to let `AWS_ENDPOINT_URL` apply. */
  endpoint?: string;
  /** Version in the user agent; defaults to the package's own. */
  version?: string;
}

/** Settings shared by every client, exported so tests can check them. */
export function clientSettings(
  region: string,
  options: AwsClientOptions = {},
  credentials?: AwsCredentialIdentityProvider,
) {
  return {
    ...(credentials ? { credentials } : {}),
    region,
    maxAttempts: 1,
    customUserAgent: [[USER_AGENT_NAME, options.version ?? packageVersion()]] as [string, string][],
    ...(options.endpoint !== undefined && options.endpoint !== '' ? { endpoint: options.endpoint } : {}),
  };
}

/** Builds clients lazily and keeps one per region. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  let organizations: OrganizationsClient | undefined;
  const config = new Map<string, ConfigServiceClient>();
  const glue = new Map<string, GlueClient>();
  const athena = new Map<string, AthenaClient>();
  const quicksight = new Map<string, QuickSightClient>();
  const sts = new Map<string, STSClient>();
  return {
    organizations() {
      organizations ??= new OrganizationsClient(
        clientSettings(ORGANIZATIONS_REGION, options, options.credentials?.management),
      );
      return organizations;
    },
    config(region) {
      return cached(
        config,
        region,
        () => new ConfigServiceClient(clientSettings(region, options, options.credentials?.management)),
      );
    },
    glue(region) {
      return cached(
        glue,
        region,
        () => new GlueClient(clientSettings(region, options, options.credentials?.data)),
      );
    },
    athena(region) {
      return cached(
        athena,
        region,
        () => new AthenaClient(clientSettings(region, options, options.credentials?.data)),
      );
    },
    quicksight(region) {
      return cached(
        quicksight,
        region,
        () => new QuickSightClient(clientSettings(region, options, options.credentials?.data)),
      );
    },
    sts(region) {
      return cached(
        sts,
        region,
        () => new STSClient(clientSettings(region, options, options.credentials?.data)),
      );
    },
  };
}

function cached<T>(map: Map<string, T>, region: string, build: () => T): T {
  if (region === '') throw new Error('An AWS client needs a region, got an empty string');
  let client = map.get(region);
  if (client === undefined) {
    client = build();
    map.set(region, client);
  }
  return client;
}

/** This package's version, for the user agent. */
export function packageVersion(): string {
  return VERSION;
}
