/**
 * The one wrapper every AWS call goes through: retries throttling and transient failures with
 * full-jitter exponential backoff, counts write requests, and rethrows whatever escapes with
 * context (`Could not <what> (<Operation> in <region>): <message>`).
 *
 * The SDK clients are built with `maxAttempts: 1` (see clients.ts) so that this is the only
 * retry loop; its sleep and random functions are injectable so tests never wait.
 */

import { errorMessage } from '../../model/errors.js';
import type { WriteCounter } from './write-counter.js';

export type Sleep = (ms: number) => Promise<void>;

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: Sleep;
  /** Returns a number in [0, 1). */
  random: () => number;
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 20_000,
  sleep: realSleep,
  random: Math.random,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(overrides) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error(`Retry maxAttempts must be a whole number of at least 1, got ${policy.maxAttempts}`);
  }
  return policy;
}

/** Full jitter: a uniformly random delay between 0 and min(cap, base * 2^retry). `retry` counts from 0. */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(policy.random() * ceiling);
}

/** Error names AWS services use for "slow down". ConcurrentModificationException is deliberately absent. */
const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/** The service's name for an error (`EntityNotFoundException`), or `Error` when it has none. */
export function errorName(error: unknown): string {
  if (error instanceof AwsCallError) return error.name;
  const name = shape(error).name;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

export function isThrottlingError(error: unknown): boolean {
  const e = shape(error);
  if (typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) return true;
  if (e.$metadata?.httpStatusCode === 429) return true;
  const retryable = e.$retryable;
  return (
    typeof retryable === 'object' &&
    retryable !== null &&
    (retryable as { throttling?: unknown }).throttling === true
  );
}

export function isTransientError(error: unknown): boolean {
  const e = shape(error);
  if (e.name === 'AbortError') return false;
  if (e.$retryable !== undefined) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500 && status <= 599;
}

export function isRetryableError(error: unknown): boolean {
  return isThrottlingError(error) || isTransientError(error);
}

/**
 * An AWS call that failed. `name` is the service's error name (so `error.name === 'EntityNotFoundException'`
 * still works), `cause` is the SDK's own error.
 */
export class AwsCallError extends Error {
  readonly operation: string;
  readonly region: string;
  readonly attempts: number;
  readonly retryable: boolean;

  constructor(what: string, operation: string, region: string, cause: unknown, attempts: number) {
    const retryable = isRetryableError(cause);
    const gaveUp = retryable && attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
    super(`Could not ${what} (${operation} in ${region}): ${errorMessage(cause)}${gaveUp}`, { cause });
    this.name = errorName(cause);
    this.operation = operation;
    this.region = region;
    this.attempts = attempts;
    this.retryable = retryable;
  }
}

/** The part of an SDK v3 command this module needs: its input and, for typing, its output. */
export interface SdkCommand<Output> {
  readonly input: object;
  resolveMiddleware(
    stack: unknown,
    configuration: unknown,
    options: unknown,
  ): (args: never) => Promise<{
    output: Output;
  }>;
}

/** Any SDK v3 client (or an aws-sdk-client-mock'ed one). */
export interface SdkClient {
  send(command: SdkCommand<unknown>): Promise<unknown>;
}

export interface CallContext {
  /** What the call is for, completing "Could not …": `list accounts under ou-ab12-cd34ef56`. */
  what: string;
  region: string;
  /** A call that changes state: counted by the sender's write counter on every request sent. */
  write?: boolean;
}

export type AwsSend = <Output>(
  client: SdkClient,
  command: SdkCommand<Output>,
  context: CallContext,
) => Promise<Output>;

/**
 * The API operation a command sends: `PutOrganizationConfigRule`. Read from the operation schema
 * the SDK's commands carry (`[9, namespace, name, …]`), which survives minification (the action
 * bundles rename classes); else from the class name `PutOrganizationConfigRuleCommand`.
 */
export function operationName(command: object): string {
  const schema = (command as { schema?: unknown }).schema;
  if (Array.isArray(schema) && schema[0] === 9 && typeof schema[2] === 'string' && schema[2])
    return schema[2];
  const name = command.constructor?.name ?? '';
  return name.endsWith('Command') ? name.slice(0, -'Command'.length) : name || 'UnknownOperation';
}

export interface SenderOptions {
  retry?: Partial<RetryPolicy>;
  writes?: WriteCounter;
}

/** Builds the send-wrapper. Every provider call goes through the returned function. */
export function createSend(options: SenderOptions = {}): AwsSend {
  const policy = retryPolicy(options.retry);
  const writes = options.writes;
  return async <Output>(client: SdkClient, command: SdkCommand<Output>, context: CallContext) => {
    const operation = operationName(command);
    for (let attempt = 1; ; attempt++) {
      try {
        if (context.write) writes?.add(operation);
        return (await client.send(command)) as Output;
      } catch (error) {
        if (attempt >= policy.maxAttempts || !isRetryableError(error)) {
          throw new AwsCallError(context.what, operation, context.region, error, attempt);
        }
        await policy.sleep(backoffDelay(attempt - 1, policy));
      }
    }
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
