/**
 * Credentials for the aws target: the default chain, or the roles config/org.yaml names, assumed
 * with the SDK's own `fromTemporaryCredentials` (refreshed before they expire). Plans and
 * discover use the read roles; apply uses the write roles; compaction uses the data account's
 * compact role (roles.data.compact, else roles.data.write) and no management role at all.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { DataRoles, OrgConfig, TargetMode } from '../../model/config.js';
import { type AwsCredentialSources, HTTP_TIMEOUTS } from './clients.js';

export interface RoleCredentialOptions {
  /** STS endpoint override (moto, tests); `AWS_ENDPOINT_URL` works without it. */
  endpoint?: string;
  /** Extra STS client settings (tests inject a request handler here). */
  stsClientConfig?: Record<string, unknown>;
}

export function roleSessionName(mode: TargetMode): string {
  return `org-compliance-${mode}`;
}

/**
 * One assumed-role session shared by every client of a group (each SDK client would otherwise
 * assume the role itself): the identity is kept until five minutes before it expires.
 */
export function shared(
  provider: AwsCredentialIdentityProvider,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (current) {
      const identity = await current.catch(() => undefined);
      const expires = identity?.expiration?.getTime();
      if (identity && (expires === undefined || expires - now() > 5 * 60_000)) return identity;
    }
    current = provider();
    return current;
  };
}

export function assumeRole(
  roleArn: string,
  mode: TargetMode,
  region: string,
  options: RoleCredentialOptions = {},
): AwsCredentialIdentityProvider {
  return shared(
    fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: roleSessionName(mode), DurationSeconds: 3600 },
      clientConfig: {
        region,
        // The same timeouts as every other client (the SDK's own would wait 5 minutes on a hung
        // connection before AssumeRole is retried).
        requestHandler: {
          connectionTimeout: HTTP_TIMEOUTS.connectionMs,
          socketTimeout: HTTP_TIMEOUTS.socketIdleMs,
        },
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...options.stsClientConfig,
      },
    }),
  );
}

/** The data role `compact` assumes: roles.data.compact, else (set-ups from before it) roles.data.write. */
export function compactRoleArn(data: DataRoles): string {
  return data.compact ?? data.write;
}

/**
 * Compaction's management credentials: none. Organizations and Config are not compaction's
 * business, so a client of theirs fails before anything is sent, and no management role is assumed.
 */
export const NO_MANAGEMENT_CREDENTIALS: AwsCredentialIdentityProvider = async () => {
  throw new Error(
    'compact uses no management credentials: it reads the snapshot files and writes the compacted tables with the data credentials only (roles.data.compact in config/org.yaml), so nothing of Organizations or Config may be called while compacting',
  );
};

/** The credential source for each group of clients, from the roles in org.yaml. */
export function credentialSources(
  org: OrgConfig,
  mode: TargetMode,
  options: RoleCredentialOptions = {},
): AwsCredentialSources {
  const { management, data } = org.roles;
  if (mode === 'compact') {
    return {
      management: NO_MANAGEMENT_CREDENTIALS,
      ...(data ? { data: assumeRole(compactRoleArn(data), mode, org.glue.region, options) } : {}),
    };
  }
  const sources: AwsCredentialSources = {};
  if (management) sources.management = assumeRole(management[mode], mode, org.homeRegion, options);
  if (data) sources.data = assumeRole(data[mode], mode, org.glue.region, options);
  return sources;
}
