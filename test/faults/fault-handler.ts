/**
 * Faults at the SDK's transport: an HTTP handler that wraps the real one (AwsClientOptions'
 * wrapHandler, or FakeAws.clients' transport) and, per a fault plan, answers a request the way a
 * misbehaving AWS answers it — the service's own throttling error in its own protocol, a 500 or
 * 503, a socket that times out, a connection reset — or lets it through and loses the answer. The
 * SDK reads these answers with its own deserialisers, so the retry loop sees exactly what it would
 * see from AWS. Requests are told apart by service and operation and counted per pair: the plan
 * names the request numbers (1-based) that fail.
 */

import { Readable } from 'node:stream';
import * as QuickSight from '@aws-sdk/client-quicksight';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import type { AwsHttpHandler, AwsService } from '../../src/providers/aws/clients.js';

export type FaultKind =
  /** The service's throttling error: 400 TooManyRequestsException / ThrottlingException / Throttling, QuickSight's 429, S3's 503 SlowDown. */
  | 'throttle'
  /** HTTP 500 with the service's internal-error name. */
  | 'server-error'
  /** HTTP 503 with the service's unavailable name. */
  | 'unavailable'
  /** The request is sent and no byte comes back: the socket's inactivity timeout fires. */
  | 'timeout'
  /** The connection is reset before the service saw the request. */
  | 'reset'
  /** The service carries the request out, then the connection is reset: the answer is lost. */
  | 'answer-lost';

export interface FaultRule {
  service: AwsService;
  /** The API operation (`ListAccountsForParent`); every operation of the service when absent. */
  operation?: string;
  /**
   * Which requests of (service, operation) fail, counted from 1; `all` for every one; `first-time`
   * for the first time each distinct request (method, path, query, body) is sent, so that every
   * call fails once and its retry passes, however calls interleave.
   */
  requests: readonly number[] | 'all' | 'first-time';
  kind: FaultKind;
  /** Only requests whose path or body contains this text (one resource's writes). */
  about?: string;
}

export interface InjectedFault {
  service: AwsService;
  operation: string;
  request: number;
  kind: FaultKind;
}

/** Every service the aws target calls. */
export const ALL_SERVICES: readonly AwsService[] = [
  'organizations',
  'config',
  'glue',
  'athena',
  's3',
  'sts',
  'quicksight',
];

/** A fault plan and what it did: requests seen per `service operation`, faults injected in order. */
export class FaultPlan {
  readonly requests = new Map<string, number>();
  readonly injected: InjectedFault[] = [];
  /** Distinct requests sent (service, method, path, query, body). */
  readonly distinct = new Set<string>();

  constructor(private rules: readonly FaultRule[]) {}

  /** The fault is gone: every request passes from now on. */
  heal(): void {
    this.rules = [];
  }

  /** For AwsClientOptions.wrapHandler and FakeAws.clients({ wrapHandler }). */
  readonly wrapHandler = (inner: AwsHttpHandler, service: AwsService): AwsHttpHandler => ({
    handle: (request, options) => this.#handle(inner, service, request, options),
    ...(inner.destroy ? { destroy: () => inner.destroy?.() } : {}),
  });

  /** Faults injected per `service operation`, for exact comparisons. */
  injectedBy(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.injected)
      out[`${f.service} ${f.operation}`] = (out[`${f.service} ${f.operation}`] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Requests sent per `service operation`. */
  sentBy(): Record<string, number> {
    return Object.fromEntries([...this.requests].sort(([a], [b]) => a.localeCompare(b)));
  }

  async #handle(
    inner: AwsHttpHandler,
    service: AwsService,
    request: HttpRequest,
    options: Parameters<AwsHttpHandler['handle']>[1],
  ): Promise<{ response: HttpResponse }> {
    const operation = operationOf(service, request);
    const key = `${service} ${operation}`;
    const n = (this.requests.get(key) ?? 0) + 1;
    this.requests.set(key, n);
    const print = fingerprint(service, request);
    const firstTime = !this.distinct.has(print);
    this.distinct.add(print);
    const rule = this.rules.find(
      (r) =>
        r.service === service &&
        (r.operation === undefined || r.operation === operation) &&
        (r.about === undefined || print.includes(r.about)) &&
        (r.requests === 'all' || (r.requests === 'first-time' ? firstTime : r.requests.includes(n))),
    );
    if (!rule) return inner.handle(request, options);
    this.injected.push({ service, operation, request: n, kind: rule.kind });
    switch (rule.kind) {
      case 'throttle':
      case 'server-error':
      case 'unavailable':
        return { response: errorResponse(service, rule.kind) };
      case 'timeout':
        throw socketTimeout();
      case 'reset':
        throw connectionReset();
      case 'answer-lost': {
        const answered = await inner.handle(request, options);
        (answered.response.body as { destroy?: () => void } | undefined)?.destroy?.();
        throw connectionReset();
      }
    }
  }
}

/** A request's content, without what changes between attempts (signature, dates, invocation ids, idempotency tokens). */
function fingerprint(service: AwsService, request: HttpRequest): string {
  const body = request.body;
  const text =
    typeof body === 'string'
      ? body
      : body instanceof Uint8Array
        ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
        : body === undefined || body === null
          ? ''
          : `<${typeof body}>`;
  // The SDK draws a new idempotency token for every attempt unless the caller sets one.
  const content = text.replace(/"ClientRequestToken":"[^"]*"/, '"ClientRequestToken":"<token>"');
  const query = JSON.stringify(Object.entries(request.query ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return `${service} ${request.method} ${request.hostname}${request.path} ${query} ${header(request, 'x-amz-target') ?? ''} ${content}`;
}

/** What NodeHttpHandler rejects with when a socket stays silent past its socketTimeout. */
export function socketTimeout(): Error {
  return Object.assign(
    new Error(
      '@smithy/node-http-handler - the request socket timed out after 60000 ms of inactivity (configured by client requestHandler).',
    ),
    { name: 'TimeoutError' },
  );
}

/** What NodeHttpHandler rejects with when the peer resets the connection (it renames ECONNRESET a TimeoutError). */
export function connectionReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), {
    name: 'TimeoutError',
    code: 'ECONNRESET',
    errno: -104,
  });
}

interface ErrorShape {
  status: number;
  code: string;
  message: string;
}

/** Each service's own names for "slow down", "internal error" and "unavailable". */
const SHAPES: Record<AwsService, Record<'throttle' | 'server-error' | 'unavailable', ErrorShape>> = {
  organizations: {
    throttle: {
      status: 400,
      code: 'TooManyRequestsException',
      message: 'You have sent too many requests in too short a period of time.',
    },
    'server-error': {
      status: 500,
      code: 'ServiceException',
      message: 'AWS Organizations can not complete your request because of an internal service error.',
    },
    unavailable: { status: 503, code: 'ServiceUnavailableException', message: 'Service unavailable' },
  },
  config: {
    throttle: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
    'server-error': {
      status: 500,
      code: 'InternalFailure',
      message: 'The request processing has failed because of an unknown error.',
    },
    unavailable: {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    },
  },
  glue: {
    throttle: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
    'server-error': {
      status: 500,
      code: 'InternalServiceException',
      message: 'An internal service error occurred.',
    },
    unavailable: {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    },
  },
  athena: {
    throttle: { status: 400, code: 'TooManyRequestsException', message: 'Rate exceeded' },
    'server-error': { status: 500, code: 'InternalServerException', message: 'Internal server error' },
    unavailable: {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    },
  },
  quicksight: {
    throttle: { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' },
    'server-error': {
      status: 500,
      code: 'InternalFailureException',
      message: 'An internal failure occurred.',
    },
    unavailable: {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    },
  },
  sts: {
    throttle: { status: 400, code: 'Throttling', message: 'Rate exceeded' },
    'server-error': {
      status: 500,
      code: 'InternalFailure',
      message: 'The request processing has failed because of an unknown error.',
    },
    unavailable: {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    },
  },
  s3: {
    throttle: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
    'server-error': {
      status: 500,
      code: 'InternalError',
      message: 'We encountered an internal error. Please try again.',
    },
    unavailable: { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' },
  },
};

/** Names every service protocol's error, as throttle/server-error/unavailable produce them. */
export function faultErrorName(
  service: AwsService,
  kind: 'throttle' | 'server-error' | 'unavailable',
): string {
  return SHAPES[service][kind].code;
}

const xmlText = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The error in the service's protocol: JSON 1.1 / REST JSON with x-amzn-errortype, S3's XML, STS's query XML. */
function errorResponse(service: AwsService, kind: 'throttle' | 'server-error' | 'unavailable'): HttpResponse {
  const { status, code, message } = SHAPES[service][kind];
  const requestId = '6a7b8c9d-0000-4000-8000-00000000f417';
  let headers: Record<string, string>;
  let text: string;
  if (service === 's3') {
    headers = { 'content-type': 'application/xml', 'x-amz-request-id': 'F417F417F417F417' };
    text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message><RequestId>F417F417F417F417</RequestId></Error>`;
  } else if (service === 'sts') {
    headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
    text = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${xmlText(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  } else {
    const json = service === 'quicksight' ? 'application/json' : 'application/x-amz-json-1.1';
    headers = { 'content-type': json, 'x-amzn-requestid': requestId, 'x-amzn-errortype': `${code}:` };
    text = JSON.stringify({
      __type: code,
      message,
      ...(service === 'quicksight' ? { RequestId: requestId } : {}),
    });
  }
  return {
    statusCode: status,
    headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) },
    body: Readable.from([Buffer.from(text)]),
  };
}

/** The operation a request asks for, read from the request as AWS reads it. */
export function operationOf(service: AwsService, request: HttpRequest): string {
  const target = header(request, 'x-amz-target');
  if (target !== undefined) return target.slice(target.indexOf('.') + 1);
  const id = request.query?.['x-id'];
  if (typeof id === 'string') return id;
  if (service === 'sts') {
    const body = typeof request.body === 'string' ? request.body : '';
    return /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? 'UnknownOperation';
  }
  if (service === 's3') return s3Operation(request);
  if (service === 'quicksight') return quickSightOperation(request);
  return 'UnknownOperation';
}

function header(request: HttpRequest, name: string): string | undefined {
  const found = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

function s3Operation(request: HttpRequest): string {
  if (request.method === 'GET' && request.query?.['list-type'] === '2') return 'ListObjectsV2';
  const byMethod: Record<string, string> = {
    GET: 'GetObject',
    PUT: 'PutObject',
    DELETE: 'DeleteObject',
    HEAD: 'HeadObject',
  };
  return byMethod[request.method] ?? 'UnknownOperation';
}

interface Route {
  method: string;
  pattern: RegExp;
  literal: number;
  operation: string;
}

let quickSightRoutes: Route[] | undefined;

/** QuickSight's routes from the SDK's own operation schemas: `[9, ns, name, { http: [method, uri, code] }]`. */
function routes(): Route[] {
  if (quickSightRoutes) return quickSightRoutes;
  const out: Route[] = [];
  for (const [name, value] of Object.entries(QuickSight)) {
    if (!name.endsWith('Command') || typeof value !== 'function') continue;
    const schema = (new (value as new (input: object) => { schema?: unknown })({}) as { schema?: unknown })
      .schema;
    if (!Array.isArray(schema) || schema[0] !== 9) continue;
    const http = (schema[3] as { http?: [string, string, number] } | undefined)?.http;
    if (!http) continue;
    const [path] = http[1].split('?');
    const source = (path ?? '')
      .split('/')
      .map((part) => (/^\{.+\+\}$/.test(part) ? '.+' : /^\{.+\}$/.test(part) ? '[^/]+' : escapeRegExp(part)))
      .join('/');
    out.push({
      method: http[0],
      pattern: new RegExp(`^${source}$`),
      literal: (path ?? '').replace(/\{[^}]+\}/g, '').length,
      operation: String(schema[2]),
    });
  }
  quickSightRoutes = out;
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function quickSightOperation(request: HttpRequest): string {
  const matching = routes()
    .filter((r) => r.method === request.method && r.pattern.test(request.path))
    .sort((a, b) => b.literal - a.literal);
  return matching[0]?.operation ?? 'UnknownOperation';
}
