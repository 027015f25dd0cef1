/**
 * The QuickSight API's shapes, read from the runtime schemas that @aws-sdk/client-quicksight
 * ships (the SDK's serializer drops unknown members silently and never checks required ones,
 * so this is what catches a misspelled member before it vanishes).
 *
 * The schemas are static arrays (@smithy/core/schema, "static schemas"):
 *   structure  [3, namespace, name, traits, memberNames[], memberRefs[], requiredCount?]
 *              the first `requiredCount` members are the required ones (the code generator
 *              sorts required members first; @smithy/core's HTTP binding reads it the same way)
 *   error      [-3, …same as structure]
 *   union      [4, namespace, name, traits, memberNames[], memberRefs[]]
 *   list       [1, namespace, name, traits, memberRef]
 *   map        [2, namespace, name, traits, keyRef, valueRef]
 *   simple     [0, namespace, name, traits, ref]   (e.g. a sensitive string)
 *   a number   0 string, 1 number, 2 boolean, 4–7 timestamp, 15 document, 17/19 big numbers,
 *              21/42 blob; 64|n a list of n, 128|n a map of n
 *   a member   [ref, memberTraits]; any ref may be a thunk () => schema.
 */
import {
  AnalysisDefinition$,
  CreateAnalysisRequest$,
  CreateDashboardRequest$,
  CreateDataSetRequest$,
  CreateDataSourceRequest$,
  DashboardVersionDefinition$,
  RefreshSchedule$,
} from '@aws-sdk/client-quicksight';
import { nearest } from '../model/nearest.js';
import type { QuickSightKind } from '../model/quicksight.js';
import { isRecord } from '../model/values.js';

export type Shape =
  | { type: 'structure'; name: string; members: Map<string, unknown>; required: string[]; union: boolean }
  | { type: 'list'; name: string; member: unknown }
  | { type: 'map'; name: string; value: unknown }
  | { type: 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document' | 'any'; name: string };

const cache = new WeakMap<object, Shape>();
const simpleCache = new Map<number, Shape>();

function deref(ref: unknown): unknown {
  let r = typeof ref === 'function' ? (ref as () => unknown)() : ref;
  // A member reference: [target, memberTraits].
  while (Array.isArray(r) && r.length === 2) {
    r = r[0];
    if (typeof r === 'function') r = (r as () => unknown)();
  }
  return r;
}

const SIMPLE: Record<number, Shape['type']> = {
  0: 'string',
  1: 'number',
  2: 'boolean',
  4: 'timestamp',
  5: 'timestamp',
  6: 'timestamp',
  7: 'timestamp',
  15: 'document',
  17: 'number',
  19: 'number',
  21: 'blob',
  42: 'blob',
};

function simpleName(type: Shape['type']): string {
  return type === 'any' ? 'value' : type;
}

/** The shape a schema reference stands for. */
export function shapeOf(ref: unknown): Shape {
  const r = deref(ref);
  if (typeof r === 'number') {
    const hit = simpleCache.get(r);
    if (hit) return hit;
    let shape: Shape;
    if (r >= 128 && r <= 255) shape = { type: 'map', name: 'map', value: r & 0b0011_1111 };
    else if (r >= 64 && r < 128) shape = { type: 'list', name: 'list', member: r & 0b0011_1111 };
    else {
      const type = SIMPLE[r] ?? 'any';
      shape = { type, name: simpleName(type) } as Shape;
    }
    simpleCache.set(r, shape);
    return shape;
  }
  if (!Array.isArray(r)) return { type: 'any', name: 'value' };
  const hit = cache.get(r);
  if (hit) return hit;
  const id = r[0] as number;
  const name = String(r[2]);
  let shape: Shape;
  if (id === 0) shape = shapeOf(r[4]);
  else if (id === 1) shape = { type: 'list', name, member: r[4] };
  else if (id === 2) shape = { type: 'map', name, value: r[5] };
  else if (id === 3 || id === -3 || id === 4) {
    const names = r[4] as string[];
    const refs = r[5] as unknown[];
    const requiredCount = id === 4 ? 0 : ((r[6] as number | undefined) ?? 0);
    shape = {
      type: 'structure',
      name,
      members: new Map(names.map((n, i) => [n, refs[i]])),
      required: names.slice(0, requiredCount),
      union: id === 4,
    };
  } else shape = { type: 'any', name };
  cache.set(r, shape);
  return shape;
}

/** The shape of a structure's member, or undefined when it has no such member. */
export function memberShape(shape: Shape, member: string): Shape | undefined {
  if (shape.type !== 'structure') return undefined;
  if (!shape.members.has(member)) return undefined;
  return shapeOf(shape.members.get(member));
}

/** The request shape each kind of file follows. */
export const REQUEST_SHAPES: Record<QuickSightKind, Shape> = {
  'quicksight-data-source': shapeOf(CreateDataSourceRequest$),
  'quicksight-data-set': shapeOf(CreateDataSetRequest$),
  'quicksight-refresh-schedule': shapeOf(RefreshSchedule$),
  'quicksight-analysis': shapeOf(CreateAnalysisRequest$),
  'quicksight-dashboard': shapeOf(CreateDashboardRequest$),
};

export const ANALYSIS_DEFINITION = shapeOf(AnalysisDefinition$);
export const DASHBOARD_DEFINITION = shapeOf(DashboardVersionDefinition$);

/** Request members the tool sets itself (from config/org.yaml), never written in a file. */
export const TOOL_MEMBERS = ['AwsAccountId', 'Permissions', 'Tags'] as const;

export type PathPart = string | number;

export interface ShapeProblem {
  path: PathPart[];
  /** The problem concerns the member's name (unknown member) rather than its value. */
  atKey: boolean;
  message: string;
}

export interface CheckOptions {
  /** Members allowed at the top level in addition to the shape's own (e.g. DataSetId in a refresh schedule). */
  extraTopLevel?: readonly string[];
  /** Members neither required nor reported at the top level. */
  ignoreTopLevel?: readonly string[];
  /** Called for every value whose shape is a named structure, before its members. */
  visit?: (shape: Shape & { type: 'structure' }, value: Record<string, unknown>, path: PathPart[]) => void;
  /** Skip validating the value at this path (already handled by the caller). */
  skip?: (path: readonly PathPart[], value: unknown) => boolean;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `a string`;
  return `a ${typeof v}`;
}

function expected(shape: Shape): string {
  switch (shape.type) {
    case 'structure':
      return `an object (${shape.name})`;
    case 'list':
      return shape.name === 'list' ? 'a list' : `a list (${shape.name})`;
    case 'map':
      return shape.name === 'map'
        ? 'an object of named entries'
        : `an object of named entries (${shape.name})`;
    case 'timestamp':
      return 'a date-time string (ISO 8601)';
    case 'blob':
      return 'a base64 string';
    default:
      return `a ${shape.type}`;
  }
}

/**
 * Checks a JSON value against a shape: unknown members (with the nearest valid names left to
 * the caller), missing required members, and values of the wrong JSON type.
 */
export function checkShape(
  value: unknown,
  shape: Shape,
  path: PathPart[] = [],
  options: CheckOptions = {},
): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  walk(value, shape, path, options, problems);
  return problems;
}

function walk(value: unknown, shape: Shape, path: PathPart[], o: CheckOptions, out: ShapeProblem[]): void {
  if (o.skip?.(path, value)) return;
  if (value === null) {
    out.push({
      path,
      atKey: false,
      message: `null is not a value QuickSight takes here; remove the member or give ${expected(shape)}`,
    });
    return;
  }
  const top = path.length === 0;
  switch (shape.type) {
    case 'structure': {
      if (!isRecord(value)) {
        out.push({
          path,
          atKey: false,
          message: `expected ${expected(shape)}, found ${describeValue(value)}`,
        });
        return;
      }
      o.visit?.(shape, value, path);
      const ignored = top ? (o.ignoreTopLevel ?? []) : [];
      const extra = top ? (o.extraTopLevel ?? []) : [];
      for (const [name, v] of Object.entries(value)) {
        if (ignored.includes(name) || extra.includes(name)) continue;
        const member = memberShape(shape, name);
        if (!member) {
          const near = nearest(name, [...shape.members.keys()], 1);
          out.push({
            path: [...path, name],
            atKey: true,
            message: `unknown member '${name}' of ${shape.name}${hint(near, [...shape.members.keys()])}`,
          });
          continue;
        }
        walk(v, member, [...path, name], o, out);
      }
      for (const name of shape.required) {
        if (ignored.includes(name)) continue;
        if (value[name] === undefined)
          out.push({
            path: [...path, name],
            atKey: false,
            message: `missing required member '${name}' of ${shape.name}`,
          });
      }
      if (shape.union) {
        const set = Object.keys(value).filter((k) => value[k] !== undefined);
        if (set.length !== 1)
          out.push({
            path,
            atKey: false,
            message: `${shape.name} takes exactly one of its members, found ${set.length ? set.join(', ') : 'none'}`,
          });
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        out.push({
          path,
          atKey: false,
          message: `expected ${expected(shape)}, found ${describeValue(value)}`,
        });
        return;
      }
      const member = shapeOf(shape.member);
      value.forEach((v, i) => {
        walk(v, member, [...path, i], o, out);
      });
      return;
    }
    case 'map': {
      if (!isRecord(value)) {
        out.push({
          path,
          atKey: false,
          message: `expected ${expected(shape)}, found ${describeValue(value)}`,
        });
        return;
      }
      const member = shapeOf(shape.value);
      for (const [k, v] of Object.entries(value)) walk(v, member, [...path, k], o, out);
      return;
    }
    case 'string':
    case 'blob':
    case 'timestamp':
      if (typeof value !== 'string' && !(shape.type === 'timestamp' && typeof value === 'number'))
        out.push({
          path,
          atKey: false,
          message: `expected ${expected(shape)}, found ${describeValue(value)}`,
        });
      return;
    case 'number':
      if (typeof value !== 'number')
        out.push({ path, atKey: false, message: `expected a number, found ${describeValue(value)}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        out.push({ path, atKey: false, message: `expected true or false, found ${describeValue(value)}` });
      return;
    default:
      return;
  }
}

function hint(near: string[], names: string[]): string {
  if (near.length) return `; did you mean '${near[0]}'?`;
  if (names.length <= 12) return `; valid members: ${names.join(', ')}`;
  return '';
}

/** Member names of a structure shape, for "did you mean". */
export function memberNames(shape: Shape): string[] {
  return shape.type === 'structure' ? [...shape.members.keys()] : [];
}
