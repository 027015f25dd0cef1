/**
 * The one place that builds SDK clients. Every client gets its region, `maxAttempts: 1` (retry.ts
 * is the only retry loop), the user agent `org-compliance/<version>`, and an explicit endpoint
 * only when one was asked for, so that the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
 * handling keeps working. Every client's HTTP handler has a connection timeout and a socket
 * inactivity timeout (HTTP_TIMEOUTS): without them the SDK waits forever on a connection that
 * stops answering (Config and S3 set none; the others wait 5 to 15 minutes of silence).
 */

import { AthenaClient } from '@aws-sdk/client-athena';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { GlueClient } from '@aws-sdk/client-glue';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { QuickSightClient } from '@aws-sdk/client-quicksight';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type {
  AwsCredentialIdentityProvider,
  HttpHandlerOptions,
  HttpRequest,
  HttpResponse,
  RequestHandler,
} from '@smithy/types';
import { organizationsRegion } from '../../model/partition.js';
import { VERSION } from '../../version.js';

/** Organizations in the aws partition (us-east-1): the region when none other is asked for. */
export const DEFAULT_ORGANIZATIONS_REGION = organizationsRegion('us-east-1');

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
  /** S3 with the data credentials: the reference tables' objects under data.bucket. */
  s3(region: string): S3Client;
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
  /**
   * Where the Organizations client calls: its partition's one region (organizationsRegion of
   * org.homeRegion). Default us-east-1, the aws partition's.
   */
  organizationsRegion?: string;
  /** Timeouts of the HTTP handler; each defaults to HTTP_TIMEOUTS'. */
  timeouts?: Partial<HttpTimeouts>;
  /**
   * Wraps the HTTP handler of each client as it is built: every request of that client goes
   * through the returned handler (fault injection in tests). `service` is the signing name.
   */
  wrapHandler?: (inner: AwsHttpHandler, service: AwsService, region: string) => AwsHttpHandler;
}

/** What an SDK client sends its HTTP requests through (the SDK's NodeHttpHandler unless wrapped). */
export type AwsHttpHandler = RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions>;

/** The services the clients speak to, by signing name. */
export type AwsService = 'organizations' | 'config' | 'glue' | 'athena' | 'quicksight' | 'sts' | 's3';

export interface HttpTimeouts {
  /** Milliseconds to establish a connection. */
  connectionMs: number;
  /**
   * Milliseconds a socket may stay silent before the request fails (TimeoutError, retried by
   * retry.ts): idle time, not total, so a long download that keeps receiving is never cut.
   */
  socketIdleMs: number;
}

/** A connection within 5 s; an answer that stops for 60 s is given up on and retried. */
export const HTTP_TIMEOUTS: HttpTimeouts = { connectionMs: 5_000, socketIdleMs: 60_000 };

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
    requestHandler: {
      connectionTimeout: options.timeouts?.connectionMs ?? HTTP_TIMEOUTS.connectionMs,
      socketTimeout: options.timeouts?.socketIdleMs ?? HTTP_TIMEOUTS.socketIdleMs,
    },
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
  const s3 = new Map<string, S3Client>();
  return {
    organizations() {
      const region = options.organizationsRegion ?? DEFAULT_ORGANIZATIONS_REGION;
      organizations ??= wrapped(
        new OrganizationsClient(clientSettings(region, options, options.credentials?.management)),
        'organizations',
        region,
        options,
      );
      return organizations;
    },
    config(region) {
      return cached(config, region, () =>
        wrapped(
          new ConfigServiceClient(clientSettings(region, options, options.credentials?.management)),
          'config',
          region,
          options,
        ),
      );
    },
    glue(region) {
      return cached(glue, region, () =>
        wrapped(
          new GlueClient(clientSettings(region, options, options.credentials?.data)),
          'glue',
          region,
          options,
        ),
      );
    },
    athena(region) {
      return cached(athena, region, () =>
        wrapped(
          new AthenaClient(clientSettings(region, options, options.credentials?.data)),
          'athena',
          region,
          options,
        ),
      );
    },
    quicksight(region) {
      return cached(quicksight, region, () =>
        wrapped(
          new QuickSightClient(clientSettings(region, options, options.credentials?.data)),
          'quicksight',
          region,
          options,
        ),
      );
    },
    sts(region) {
      return cached(sts, region, () =>
        wrapped(
          new STSClient(clientSettings(region, options, options.credentials?.data)),
          'sts',
          region,
          options,
        ),
      );
    },
    s3(region) {
      return cached(s3, region, () =>
        wrapped(
          new S3Client({
            ...clientSettings(region, options, options.credentials?.data),
            // The bucket may be in another region than Glue's; an emulator has no bucket host names.
            followRegionRedirects: true,
            forcePathStyle: endpointOverridden(options),
          }),
          's3',
          region,
          options,
        ),
      );
    },
  };
}

/** An endpoint other than AWS's own: given, or in AWS_ENDPOINT_URL(_S3) for the SDK to pick up. */
function endpointOverridden(options: AwsClientOptions): boolean {
  const given = [options.endpoint, process.env.AWS_ENDPOINT_URL_S3, process.env.AWS_ENDPOINT_URL];
  return given.some((value) => value !== undefined && value !== '');
}

/**
 * The client with its HTTP handler wrapped by options.wrapHandler, before its first request (the
 * handler a client sends through is read from its config when a command is first resolved).
 */
function wrapped<C extends { config: { requestHandler: unknown } }>(
  client: C,
  service: AwsService,
  region: string,
  options: AwsClientOptions,
): C {
  if (options.wrapHandler) {
    const inner = client.config.requestHandler as AwsHttpHandler;
    client.config.requestHandler = options.wrapHandler(inner, service, region);
  }
  return client;
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
