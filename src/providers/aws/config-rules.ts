/**
 * Organization Config Rules in every configured region. One provider instance covers all regions.
 *
 * Ownership: the API takes no tags, so a rule is ours when its description ends with
 * `org.ownership.descriptionMarker`. Desired descriptions carry the marker already; this provider
 * writes descriptions verbatim and refuses to write one without it (the rule would stop being ours).
 *
 * Rules are refused changes (`ResourceInUseException`) while a deployment is `*_IN_PROGRESS`: the
 * provider then polls the rule's status until it settles, within a bound, and writes again.
 */

import {
  DeleteOrganizationConfigRuleCommand,
  DescribeOrganizationConfigRuleStatusesCommand,
  DescribeOrganizationConfigRulesCommand,
  GetOrganizationConfigRuleDetailedStatusCommand,
  type GetOrganizationConfigRuleDetailedStatusResponse,
  type MaximumExecutionFrequency,
  type MemberAccountRuleStatus,
  type MemberAccountStatus,
  type OrganizationConfigRule,
  type OrganizationConfigRuleStatus,
  PutOrganizationConfigRuleCommand,
  type PutOrganizationConfigRuleRequest,
} from '@aws-sdk/client-config-service';
import { errorMessage } from '../../model/errors.js';
import { assertKind } from '../../model/kinds.js';
import type { Change } from '../../model/plan.js';
import type { Provider } from '../../model/provider.js';
import {
  type ConfigRuleProperties,
  type CurrentResource,
  type DesiredResource,
  type ResourceStatus,
  resourceKey,
} from '../../model/resources.js';
import { present } from '../../model/values.js';
import type { AwsClients } from './clients.js';
import { allPages, nextToken } from './paging.js';
import { type AwsSend, errorName, realSleep, type Sleep } from './retry.js';

/** DescribeOrganizationConfigRules and the status calls return at most 100 a page. */
export const CONFIG_PAGE_SIZE = 100;
/** Member failures listed in a rule's status details before `… and N more`. */
export const MAX_STATUS_DETAILS = 20;
export const FAILED_MEMBER_STATUSES: MemberAccountRuleStatus[] = [
  'CREATE_FAILED',
  'UPDATE_FAILED',
  'DELETE_FAILED',
];
/** Identifier of a custom-policy (Guard) rule, which has no identifier of its own. */
export const CUSTOM_POLICY_IDENTIFIER = 'custom-policy';
export const CUSTOM_LAMBDA_PREFIX = 'custom:';

export interface AwsConfigRuleProviderOptions {
  clients: AwsClients;
  /** The send-wrapper; it counts every write request in its write counter. */
  send: AwsSend;
  /** Every region of config/org.yaml: read even where no rule is desired, so strays show up. */
  regions: string[];
  /** org.ownership.descriptionMarker. */
  descriptionMarker: string;
  /** How long to wait for a rule busy in `*_IN_PROGRESS` before giving up. Default 10 minutes. */
  busyTimeoutMs?: number;
  /** How often to look at a busy rule's status. Default 15 s. */
  busyPollMs?: number;
  now?: () => number;
  sleep?: Sleep;
}

export class AwsConfigRuleProvider implements Provider<'config-rule'> {
  readonly kind = 'config-rule' as const;
  readonly #clients: AwsClients;
  readonly #send: AwsSend;
  readonly #regions: string[];
  readonly #marker: string;
  readonly #busyTimeoutMs: number;
  readonly #busyPollMs: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;

  constructor(options: AwsConfigRuleProviderOptions) {
    if (options.descriptionMarker === '') {
      throw new Error(
        'ownership.descriptionMarker is empty: every Organization Config Rule would look owned',
      );
    }
    this.#clients = options.clients;
    this.#send = options.send;
    this.#regions = [...options.regions];
    this.#marker = options.descriptionMarker;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 10 * 60_000;
    this.#busyPollMs = options.busyPollMs ?? 15_000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
  }

  async read(desired: DesiredResource<'config-rule'>[]): Promise<CurrentResource<'config-rule'>[]> {
    const regions = [...new Set([...this.#regions, ...desired.map((resource) => resource.region)])].sort();
    const perRegion = await Promise.all(regions.map((region) => this.#readRegion(region)));
    return perRegion.flat();
  }

  async apply(change: Change<'config-rule'>): Promise<void> {
    assertKind(change, 'config-rule');
    switch (change.action) {
      case 'no-op':
        return;
      case 'create':
      case 'update': {
        const rule = ruleProperties(change);
        const input = putRuleInput(rule, this.#marker, change.action);
        await this.#whenIdle(rule.name, change.region, () =>
          this.#send(this.#clients.config(change.region), new PutOrganizationConfigRuleCommand(input), {
            what: `${change.action} Organization Config Rule ${rule.name}`,
            region: change.region,
            write: true,
          }),
        );
        return;
      }
      case 'delete': {
        const name = change.before?.name ?? change.name;
        await this.#whenIdle(name, change.region, async () => {
          try {
            await this.#send(
              this.#clients.config(change.region),
              new DeleteOrganizationConfigRuleCommand({ OrganizationConfigRuleName: name }),
              { what: `delete Organization Config Rule ${name}`, region: change.region, write: true },
            );
          } catch (error) {
            // Already gone: the delete has nothing left to do.
            if (errorName(error) !== 'NoSuchOrganizationConfigRuleException') throw error;
          }
        });
        return;
      }
    }
  }

  async #readRegion(region: string): Promise<CurrentResource<'config-rule'>[]> {
    const rules = await this.#describeRules(region);
    // A region without rules of ours needs no status call.
    if (rules.length === 0) return [];
    const statuses = await this.#describeStatuses(region);
    const current: CurrentResource<'config-rule'>[] = [];
    for (const rule of rules) {
      const properties = propertiesFromRule(rule, region);
      const custom = rule.OrganizationManagedRuleMetadata === undefined;
      const status = statuses.get(properties.name);
      const resource: CurrentResource<'config-rule'> = {
        kind: 'config-rule',
        key: resourceKey('config-rule', region, properties.name),
        region,
        properties,
        owned: !custom && properties.description.endsWith(this.#marker),
      };
      if (status !== undefined) resource.status = await this.#resourceStatus(status, region);
      current.push(resource);
    }
    return current;
  }

  async #describeRules(region: string): Promise<OrganizationConfigRule[]> {
    const pages = await allPages((token) =>
      this.#send(
        this.#clients.config(region),
        new DescribeOrganizationConfigRulesCommand({ Limit: CONFIG_PAGE_SIZE, ...nextToken(token) }),
        { what: 'list Organization Config Rules', region },
      ),
    );
    return pages.flatMap((page) => page.OrganizationConfigRules ?? []);
  }

  async #describeStatuses(
    region: string,
    names?: string[],
  ): Promise<Map<string, OrganizationConfigRuleStatus>> {
    const pages = await allPages((token) =>
      this.#send(
        this.#clients.config(region),
        new DescribeOrganizationConfigRuleStatusesCommand({
          ...(names ? { OrganizationConfigRuleNames: names } : {}),
          Limit: CONFIG_PAGE_SIZE,
          ...nextToken(token),
        }),
        {
          what: names
            ? `read the status of Organization Config Rule ${names.join(', ')}`
            : 'read Organization Config Rule statuses',
          region,
        },
      ),
    );
    const statuses = new Map<string, OrganizationConfigRuleStatus>();
    for (const status of pages.flatMap((page) => page.OrganizationConfigRuleStatuses ?? [])) {
      if (status.OrganizationConfigRuleName) statuses.set(status.OrganizationConfigRuleName, status);
    }
    return statuses;
  }

  async #resourceStatus(status: OrganizationConfigRuleStatus, region: string): Promise<ResourceStatus> {
    const state = status.OrganizationRuleStatus ?? 'UNKNOWN';
    const message = [status.ErrorCode, status.ErrorMessage]
      .filter((part) => part !== undefined && part !== '')
      .join(': ');
    const details =
      state.endsWith('_FAILED') && status.OrganizationConfigRuleName
        ? memberFailureLines(await this.#failedMembers(status.OrganizationConfigRuleName, region))
        : [];
    return { state, ...(message !== '' ? { message } : {}), details };
  }

  async #failedMembers(name: string, region: string): Promise<MemberAccountStatus[]> {
    const members: MemberAccountStatus[] = [];
    for (const memberStatus of FAILED_MEMBER_STATUSES) {
      try {
        const pages = await allPages((token) => this.#detailedStatusPage(name, region, memberStatus, token));
        members.push(...pages.flatMap((page) => page.OrganizationConfigRuleDetailedStatus ?? []));
      } catch (error) {
        // Deleted between the two calls: nothing more to report.
        if (errorName(error) === 'NoSuchOrganizationConfigRuleException') return members;
        throw error;
      }
    }
    return members;
  }

  #detailedStatusPage(
    name: string,
    region: string,
    memberStatus: MemberAccountRuleStatus,
    token: string | undefined,
  ): Promise<GetOrganizationConfigRuleDetailedStatusResponse> {
    return this.#send(
      this.#clients.config(region),
      new GetOrganizationConfigRuleDetailedStatusCommand({
        OrganizationConfigRuleName: name,
        Filters: { MemberAccountRuleStatus: memberStatus },
        Limit: CONFIG_PAGE_SIZE,
        ...nextToken(token),
      }),
      { what: `read the ${memberStatus} member accounts of Organization Config Rule ${name}`, region },
    );
  }

  /** Runs `write`; while the rule is busy (`ResourceInUseException`), waits for it to settle and runs it again. */
  async #whenIdle(name: string, region: string, write: () => Promise<unknown>): Promise<void> {
    const started = this.#now();
    for (;;) {
      try {
        await write();
        return;
      } catch (error) {
        if (errorName(error) !== 'ResourceInUseException') throw error;
      }
      await this.#waitWhileInProgress(name, region, started);
    }
  }

  async #waitWhileInProgress(name: string, region: string, started: number): Promise<void> {
    let state = await this.#ruleState(name, region);
    if (!isInProgress(state)) {
      // Busy a moment ago, settled now: give the service one interval before writing again.
      this.#checkWaitBound(name, region, state, started);
      await this.#sleep(this.#busyPollMs);
      return;
    }
    while (isInProgress(state)) {
      this.#checkWaitBound(name, region, state, started);
      await this.#sleep(this.#busyPollMs);
      state = await this.#ruleState(name, region);
    }
  }

  #checkWaitBound(name: string, region: string, state: string, started: number): void {
    const waited = this.#now() - started;
    if (waited >= this.#busyTimeoutMs) {
      throw new Error(
        `Organization Config Rule ${name} in ${region} is still busy (last status ${state}) after waiting ` +
          `${duration(waited)} (limit ${duration(this.#busyTimeoutMs)}): AWS refuses changes while a deployment ` +
          'is in progress. Run apply again once it has finished.',
      );
    }
  }

  async #ruleState(name: string, region: string): Promise<string> {
    try {
      const statuses = await this.#describeStatuses(region, [name]);
      return statuses.get(name)?.OrganizationRuleStatus ?? 'UNKNOWN';
    } catch (error) {
      if (errorName(error) === 'NoSuchOrganizationConfigRuleException') return 'NOT_FOUND';
      throw error;
    }
  }
}

export function isInProgress(state: string): boolean {
  return state.endsWith('_IN_PROGRESS');
}

/**
 * An Organization Config Rule in the shape desired state has. Custom rules get the identifier
 * `custom:<LambdaFunctionArn>` or `custom-policy`.
 */
export function propertiesFromRule(rule: OrganizationConfigRule, region: string): ConfigRuleProperties {
  const name = rule.OrganizationConfigRuleName ?? '';
  const managed = rule.OrganizationManagedRuleMetadata;
  const lambda = rule.OrganizationCustomRuleMetadata;
  const policy = rule.OrganizationCustomPolicyRuleMetadata;
  const metadata = managed ?? lambda ?? policy ?? {};
  const identifier = managed
    ? (managed.RuleIdentifier ?? '')
    : lambda
      ? `${CUSTOM_LAMBDA_PREFIX}${lambda.LambdaFunctionArn ?? ''}`
      : CUSTOM_POLICY_IDENTIFIER;

  const properties: ConfigRuleProperties = {
    name,
    identifier,
    description: metadata.Description ?? '',
    inputParameters: parseInputParameters(metadata.InputParameters, name, region),
    resourceTypesScope: [...(metadata.ResourceTypesScope ?? [])],
    excludedAccounts: [...(rule.ExcludedAccounts ?? [])].sort(),
  };
  if (nonEmpty(metadata.MaximumExecutionFrequency))
    properties.maximumExecutionFrequency = metadata.MaximumExecutionFrequency;
  if (nonEmpty(metadata.ResourceIdScope)) properties.resourceIdScope = metadata.ResourceIdScope;
  if (nonEmpty(metadata.TagKeyScope)) properties.tagKeyScope = metadata.TagKeyScope;
  if (nonEmpty(metadata.TagValueScope)) properties.tagValueScope = metadata.TagValueScope;
  return properties;
}

/** InputParameters (a JSON object in a string) as a map of strings; non-string values are written as JSON. */
export function parseInputParameters(
  text: string | undefined,
  rule: string,
  region: string,
): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `Organization Config Rule ${rule} in ${region} has InputParameters that are not JSON: ${errorMessage(error)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      `Organization Config Rule ${rule} in ${region} has InputParameters that are not a JSON object: ${text}`,
    );
  }
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    parameters[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return parameters;
}

/** The parameters as InputParameters: JSON with keys sorted, so equal maps give equal strings. */
export function inputParametersJson(parameters: Record<string, string>): string | undefined {
  const entries = Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : JSON.stringify(Object.fromEntries(entries));
}

/**
 * The PutOrganizationConfigRule request for a managed rule. On update ExcludedAccounts is always
 * sent, `[]` included, so that a removed exclusion is really removed (the API's list allows 0 items).
 */
export function putRuleInput(
  rule: ConfigRuleProperties,
  descriptionMarker: string,
  action: 'create' | 'update',
): PutOrganizationConfigRuleRequest {
  if (rule.identifier.startsWith(CUSTOM_LAMBDA_PREFIX) || rule.identifier === CUSTOM_POLICY_IDENTIFIER) {
    throw new Error(
      `Refusing to write Organization Config Rule ${rule.name}: org-compliance manages only AWS managed rules`,
    );
  }
  if (!rule.description.endsWith(descriptionMarker)) {
    throw new Error(
      `Refusing to write Organization Config Rule ${rule.name}: its description does not end with the ownership ` +
        `marker '${descriptionMarker}', so the rule would no longer be recognised as managed by org-compliance. ` +
        'Desired state must append ownership.descriptionMarker to every description.',
    );
  }
  const inputParameters = inputParametersJson(rule.inputParameters);
  const excluded = [...rule.excludedAccounts].sort();
  return {
    OrganizationConfigRuleName: rule.name,
    OrganizationManagedRuleMetadata: {
      RuleIdentifier: rule.identifier,
      Description: rule.description,
      ...present({ InputParameters: inputParameters }),
      ...(nonEmpty(rule.maximumExecutionFrequency)
        ? { MaximumExecutionFrequency: rule.maximumExecutionFrequency as MaximumExecutionFrequency }
        : {}),
      ...(rule.resourceTypesScope.length > 0 ? { ResourceTypesScope: [...rule.resourceTypesScope] } : {}),
      ...(nonEmpty(rule.resourceIdScope) ? { ResourceIdScope: rule.resourceIdScope } : {}),
      ...(nonEmpty(rule.tagKeyScope) ? { TagKeyScope: rule.tagKeyScope } : {}),
      ...(nonEmpty(rule.tagValueScope) ? { TagValueScope: rule.tagValueScope } : {}),
    },
    ...(action === 'update' || excluded.length > 0 ? { ExcludedAccounts: excluded } : {}),
  };
}

/** `<accountId>: <status> (<ErrorCode>: <ErrorMessage>)`, at most 20 lines and then `… and N more`. */
export function memberFailureLines(members: MemberAccountStatus[], max = MAX_STATUS_DETAILS): string[] {
  const sorted = [...members].sort((a, b) => (a.AccountId ?? '').localeCompare(b.AccountId ?? ''));
  const lines = sorted.slice(0, max).map((member) => {
    const reason = [member.ErrorCode, member.ErrorMessage]
      .filter((part) => part !== undefined && part !== '')
      .join(': ');
    return `${member.AccountId ?? 'unknown account'}: ${member.MemberAccountRuleStatus ?? 'UNKNOWN'}${reason !== '' ? ` (${reason})` : ''}`;
  });
  if (sorted.length > max) lines.push(`… and ${sorted.length - max} more`);
  return lines;
}

function ruleProperties(change: Change<'config-rule'>): ConfigRuleProperties {
  const after = change.after;
  if (after === undefined) {
    throw new Error(`Change ${change.key} (${change.action}) carries no Config rule properties`);
  }
  return after;
}

function nonEmpty<T extends string>(value: T | undefined): value is T {
  return value !== undefined && value !== '';
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
