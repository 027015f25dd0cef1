/**
 * What the in-process fake AWS services share: errors shaped the way the SDK throws them (a name,
 * `$fault`, the HTTP status in `$metadata`, and the members the service's exception carries), and
 * List* paging with NextToken.
 */

export type Json = Record<string, unknown>;

export interface AwsErrorOptions {
  /** HTTP status; 400 unless given. */
  status?: number;
  /** Members of the service's exception shape (`Message`, `ResourceType`, `RequestId`). */
  members?: Json;
}

export function awsError(name: string, message: string, options: AwsErrorOptions = {}): Error {
  const status = options.status ?? 400;
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    ...(options.members ?? {}),
  });
}

export interface PageRule {
  /** The request member that bounds a page. */
  limitKey: 'MaxResults' | 'Limit';
  /** The largest page the API accepts. */
  max: number;
  /** The service's name for a limit out of range. */
  errorName?: string;
}

/** One page of `items` for a request: NextToken is the offset of the next page, absent after the last. */
export function pageOf<T>(items: readonly T[], input: Json, rule: PageRule): { items: T[]; next?: string } {
  const requested = Number(input[rule.limitKey] ?? rule.max);
  if (!Number.isInteger(requested) || requested < 1 || requested > rule.max) {
    throw awsError(
      rule.errorName ?? 'InvalidInputException',
      `${rule.limitKey} must be between 1 and ${rule.max}, got ${String(input[rule.limitKey])}`,
    );
  }
  const from = Number(input.NextToken ?? 0);
  if (!Number.isInteger(from) || from < 0) {
    throw awsError(
      rule.errorName ?? 'InvalidInputException',
      `NextToken ${String(input.NextToken)} is not valid`,
    );
  }
  const slice = items.slice(from, from + requested);
  const next = from + requested < items.length ? String(from + requested) : undefined;
  return next ? { items: slice, next } : { items: slice };
}
