/**
 * Timestamps in a request body. Bodies hold them as ISO text (the repository's JSON, and what
 * normalize.ts makes of the Dates the SDK returns); the SDK serialises only Date objects as
 * timestamps (a string would go out verbatim), so before sending, every string at a position the
 * request's schema types as a timestamp becomes a Date. Driven by the runtime schemas the SDK
 * ships, so Definitions (parameter defaults, filter values) are covered as well as schedules.
 */

import { NormalizedSchema } from '@smithy/core/schema';
import { isRecord } from '../../../model/values.js';

type SchemaRef = Parameters<typeof NormalizedSchema.of>[0];

/** `value` with the strings at timestamp positions of `schema` turned into Dates; never mutates. */
export function withRequestTimestamps<T>(schema: unknown, value: T): T {
  return revive(NormalizedSchema.of(schema as SchemaRef), value) as T;
}

function revive(schema: NormalizedSchema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (schema.isTimestampSchema()) {
    if (typeof value !== 'string') return value;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return value;
    const member = schema.getValueSchema();
    return value.map((item) => revive(member, item));
  }
  if (schema.isMapSchema()) {
    if (!isRecord(value)) return value;
    const member = schema.getValueSchema();
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(member, item)]));
  }
  if (schema.isStructSchema() || schema.isUnionSchema()) {
    if (!isRecord(value)) return value;
    const members = new Map(schema.structIterator());
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const member = members.get(key);
        return [key, member ? revive(member, item) : item];
      }),
    );
  }
  return value;
}
