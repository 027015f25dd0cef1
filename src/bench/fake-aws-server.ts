/**
 * The in-process fake AWS (fake-aws.ts) behind an HTTP endpoint on loopback, so that a program in
 * another process — an action bundle started with `node dist/index.js` — reaches it through
 * `AWS_ENDPOINT_URL` with the real SDK on both ends of the wire.
 *
 * It speaks the AWS JSON 1.1 protocol that Organizations, Config, Glue and Athena use: the
 * operation in `X-Amz-Target`, the service and region in the SigV4 credential scope of the
 * `Authorization` header (a request without a signature is refused, as AWS refuses it), errors as
 * `{"__type": …, "message": …}` with `x-amzn-errortype`, timestamps as epoch seconds.
 * S3's GetObject and PutObject are served in S3's REST protocol (path-style `/<bucket>/<key>`,
 * user metadata in `x-amz-meta-*` headers, errors as XML). QuickSight (REST JSON) and STS (query
 * protocol) are not served: a request for them is answered with an error that says so, never with
 * an empty success.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeAws, FakeService } from './fake-aws.js';
import type { Json } from './fake-service.js';

const JSON_SERVICES: readonly FakeService[] = ['organizations', 'config', 'glue', 'athena'];

export interface FakeAwsServer {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL. */
  url: string;
  close(): Promise<void>;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20261128/eu-west-1/config/aws4_request, …` → region and service. */
function credentialScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const m = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(authorization ?? '');
  return m ? { region: m[1] as string, service: m[2] as string } : undefined;
}

/** Dates as the JSON protocols send them: seconds since the epoch. */
function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wire(v)]));
  }
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { __type: type, message }, type);
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(fake: FakeAws, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await body(req);
  const scope = credentialScope(req.headers.authorization);
  if (!scope) {
    return fail(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const service = scope.service as FakeService;
  if (service === 's3') return handleS3(fake, req, res, scope.region, text);
  const target = req.headers['x-amz-target'];
  if (!JSON_SERVICES.includes(service) || typeof target !== 'string') {
    return fail(
      res,
      400,
      'UnknownOperationException',
      `The fake AWS endpoint serves only the JSON 1.1 protocol of ${JSON_SERVICES.join(', ')}; ${scope.service} was asked for`,
    );
  }
  const operation = target.slice(target.indexOf('.') + 1);
  let input: Json;
  try {
    input = text ? (JSON.parse(text) as Json) : {};
  } catch {
    return fail(res, 400, 'SerializationException', 'The request body is not JSON');
  }
  try {
    send(res, 200, wire(await fake.answer(service, operation, scope.region, input)));
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    fail(res, e.$metadata?.httpStatusCode ?? 500, e.name, e.message);
  }
}

function failXml(res: ServerResponse, status: number, code: string, message: string): void {
  const xmlText = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': '0000000000000000' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlText(code)}</Code><Message>${xmlText(message)}</Message><RequestId>0000000000000000</RequestId></Error>`,
  );
}

/**
 * The payload of a request body sent with `Content-Encoding: aws-chunked` (the SDK's streaming
 * checksums): `<hex size>[;extensions]\r\n<bytes>\r\n` … `0\r\n<trailers>\r\n\r\n`.
 */
export function decodeAwsChunked(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n', at);
    if (end < 0) throw new Error('aws-chunked body ends inside a chunk header');
    const size = Number.parseInt((text.slice(at, end).split(';')[0] ?? '').trim(), 16);
    if (!Number.isInteger(size)) throw new Error('aws-chunked body has a chunk header without a size');
    if (size === 0) return out;
    out += text.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
}

/**
 * GetObject, PutObject (with S3's `If-None-Match` / `If-Match` conditions) and DeleteObject,
 * path-style; anything else is refused as S3 would not be asked here.
 */
async function handleS3(
  fake: FakeAws,
  req: IncomingMessage,
  res: ServerResponse,
  region: string,
  text: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const operations: Record<string, string> = { GET: 'GetObject', PUT: 'PutObject', DELETE: 'DeleteObject' };
  const operation = operations[req.method ?? ''] ?? '';
  if (bucket === '' || key === '' || operation === '') {
    return failXml(
      res,
      501,
      'NotImplemented',
      `The fake S3 serves GetObject, PutObject and DeleteObject only, path-style; got ${req.method} ${url.pathname}`,
    );
  }
  const header = (name: string) =>
    typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined;
  const conditions = {
    ...(header('if-none-match') !== undefined ? { IfNoneMatch: header('if-none-match') } : {}),
    ...(header('if-match') !== undefined ? { IfMatch: header('if-match') } : {}),
  };
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
  }
  const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked');
  const input: Json = {
    Bucket: decodeURIComponent(bucket),
    Key: key,
    ...(operation === 'PutObject'
      ? { Body: chunked ? decodeAwsChunked(text) : text, Metadata: metadata, ...conditions }
      : {}),
  };
  try {
    const answer = (await fake.answer('s3', operation, region, input)) as {
      Body?: { transformToString(): Promise<string> };
      Metadata?: Record<string, string>;
      ETag?: string;
    };
    if (operation === 'PutObject') {
      res.writeHead(200, { etag: answer.ETag ?? '"0"' });
      res.end();
      return;
    }
    if (operation === 'DeleteObject') {
      res.writeHead(204);
      res.end();
      return;
    }
    const content = (await answer.Body?.transformToString()) ?? '';
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      ...(answer.ETag ? { etag: answer.ETag } : {}),
      'content-length': String(Buffer.byteLength(content)),
      ...Object.fromEntries(Object.entries(answer.Metadata ?? {}).map(([k, v]) => [`x-amz-meta-${k}`, v])),
    });
    res.end(content);
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    failXml(res, e.$metadata?.httpStatusCode ?? 500, e.name, e.message);
  }
}

/** Serves `fake` on a free loopback port until `close()`. */
export async function serveFakeAws(fake: FakeAws): Promise<FakeAwsServer> {
  const server: Server = createServer((req, res) => {
    handle(fake, req, res).catch((error: unknown) => {
      if (!res.headersSent) fail(res, 500, 'InternalFailure', String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
