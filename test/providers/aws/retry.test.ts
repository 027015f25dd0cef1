import {
  ConcurrentModificationException,
  GetTableCommand,
  GlueClient,
  ThrottlingException,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AwsCallError,
  backoffDelay,
  createSend,
  isRetryableError,
  isThrottlingError,
  operationName,
  retryPolicy,
} from '../../../src/providers/aws/retry.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { fakeTime, metadata } from './fakes.js';

const client = new GlueClient({ region: 'eu-west-1' });
const glueMock = mockClient(client);
const getTable = () => new GetTableCommand({ DatabaseName: 'org_compliance', Name: 'config_snapshots' });
const context = { what: 'read Glue table org_compliance.config_snapshots', region: 'eu-west-1' };

afterEach(() => {
  glueMock.reset();
});

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name, $metadata: metadata(400), ...extra });
}

describe('error classification', () => {
  it('treats the throttling names as throttling and ConcurrentModificationException as final', () => {
    for (const name of [
      'TooManyRequestsException',
      'ThrottlingException',
      'Throttling',
      'RequestLimitExceeded',
    ]) {
      expect(isThrottlingError(sdkError(name, 'slow down'))).toBe(true);
      expect(isRetryableError(sdkError(name, 'slow down'))).toBe(true);
    }
    const concurrent = new ConcurrentModificationException({
      message: 'concurrent',
      $metadata: metadata(400),
    });
    expect(isThrottlingError(concurrent)).toBe(false);
    expect(isRetryableError(concurrent)).toBe(false);
    expect(isRetryableError(sdkError('AccessDeniedException', 'no'))).toBe(false);
  });

  it('treats 5xx, $retryable and network failures as transient', () => {
    expect(isRetryableError(sdkError('InternalServiceException', 'boom', { $metadata: metadata(503) }))).toBe(
      true,
    );
    expect(isRetryableError(sdkError('Whatever', 'retry me', { $retryable: {} }))).toBe(true);
    expect(isThrottlingError(sdkError('Whatever', 'slow', { $retryable: { throttling: true } }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }))).toBe(
      true,
    );
    expect(isRetryableError(sdkError('ValidationException', 'bad', { $metadata: metadata(400) }))).toBe(
      false,
    );
  });
});

describe('backoff', () => {
  it('is full jitter, doubling from 100 ms and capped at 20 s', () => {
    const top = retryPolicy({ random: () => 0.999999 });
    expect([0, 1, 2, 3, 7, 8, 20].map((retry) => backoffDelay(retry, top))).toEqual([
      99, 199, 399, 799, 12_799, 19_999, 19_999,
    ]);
    expect(backoffDelay(5, retryPolicy({ random: () => 0 }))).toBe(0);
  });

  it('rejects a maxAttempts below one', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(
      'Retry maxAttempts must be a whole number of at least 1, got 0',
    );
  });
});

describe('createSend', () => {
  it('retries throttling and transient errors, then returns the answer', async () => {
    const time = fakeTime();
    glueMock
      .on(GetTableCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) }))
      .rejectsOnce(sdkError('InternalServiceException', 'Internal error', { $metadata: metadata(500) }))
      .rejectsOnce(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
      .resolvesOnce({ Table: { Name: 'config_snapshots' } });
    const send = createSend({ retry: { sleep: time.sleep, random: () => 0.5 } });

    const answer = await send(client, getTable(), context);

    expect(answer.Table?.Name).toBe('config_snapshots');
    expect(glueMock.commandCalls(GetTableCommand)).toHaveLength(4);
    expect(time.sleeps).toEqual([50, 100, 200]);
  });

  it('stops after maxAttempts (8 by default) and keeps the original error as cause', async () => {
    const time = fakeTime();
    const cause = new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) });
    glueMock.on(GetTableCommand).rejects(cause);
    const send = createSend({ retry: { sleep: time.sleep, random: () => 0.5 } });

    const error = (await send(client, getTable(), context).catch((e: unknown) => e)) as AwsCallError;

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toBe(
      'Could not read Glue table org_compliance.config_snapshots (GetTable in eu-west-1): Rate exceeded (gave up after 8 attempts)',
    );
    expect(error.name).toBe('ThrottlingException');
    expect(error.cause).toBe(cause);
    expect(error).toMatchObject({ operation: 'GetTable', region: 'eu-west-1', attempts: 8, retryable: true });
    expect(glueMock.commandCalls(GetTableCommand)).toHaveLength(8);
    expect(time.sleeps).toEqual([50, 100, 200, 400, 800, 1600, 3200]);
  });

  it('does not retry other errors', async () => {
    const time = fakeTime();
    glueMock
      .on(GetTableCommand)
      .rejects(
        new ConcurrentModificationException({ message: 'Concurrent update', $metadata: metadata(400) }),
      );
    const send = createSend({ retry: { sleep: time.sleep } });

    await expect(send(client, getTable(), context)).rejects.toMatchObject({
      name: 'ConcurrentModificationException',
      message:
        'Could not read Glue table org_compliance.config_snapshots (GetTable in eu-west-1): Concurrent update',
      attempts: 1,
    });
    expect(glueMock.commandCalls(GetTableCommand)).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it('counts every write request it sends, retries included, and no read', async () => {
    const time = fakeTime();
    const writes = new WriteCounter();
    glueMock
      .on(GetTableCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) }))
      .resolves({});
    const send = createSend({ retry: { sleep: time.sleep }, writes });

    // Standing in for a write: throttled once, then accepted. Both requests went out.
    await send(client, getTable(), { ...context, write: true });
    expect(writes.total).toBe(2);
    await send(client, getTable(), context);
    expect(writes.total).toBe(2);
    expect(writes.byOperation()).toEqual({ GetTable: 2 });
  });

  it('names the operation after the command class', () => {
    expect(operationName(getTable())).toBe('GetTable');
  });
});
