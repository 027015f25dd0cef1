/**
 * The local target's own JSON files read with places for their errors: `org.json` (the
 * Organization) and `state.json` (what is deployed). JSON.parse reads them (fast, whatever their
 * size); only when something is wrong is the text parsed again by the positioned parser of
 * quicksight/ (src/quicksight/files.ts), to say the line and column. Nothing here writes.
 */

import {
  checkOrganization,
  OrganizationDataError,
  organizationProblems,
} from '../../discover/organization-data.js';
import { position } from '../../model/diagnostics.js';
import type { OrganizationSnapshot } from '../../model/provider.js';
import { isRecord } from '../../model/values.js';
import { JsonDocument, type JsonPath, JsonSyntaxError } from '../../quicksight/files.js';

/** The state file's format this version reads and writes. */
export const STATE_VERSION = 1;

/** Which part of a JSON text an error is at: `line:column`, of the value at `path` or of a syntax error. */
function located(text: string, path: JsonPath): string {
  try {
    const { line, column } = JsonDocument.parse(text).position(path);
    return `${line}:${column}`;
  } catch {
    return '1:1';
  }
}

/** The text as JSON, or an error `<file>:<line>:<column>: not valid JSON: …` followed by `remedy`. */
export function parseJsonFile(file: string, text: string, remedy: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    let where = '1:1';
    let why = e instanceof Error ? e.message : String(e);
    try {
      JsonDocument.parse(text);
    } catch (positioned) {
      if (positioned instanceof JsonSyntaxError) {
        where = offsetPosition(text, positioned.offset);
        why = positioned.message;
      }
    }
    if (text.trim() === '') why = 'the file is empty';
    throw new Error(`${file}:${where}: not valid JSON (${why}). ${remedy}`);
  }
}

/** 1-based `line:column` of an offset in a text. */
function offsetPosition(text: string, offset: number): string {
  const { line, column } = position(text, offset);
  return `${line}:${column}`;
}

/** `accounts[3].id` from `['accounts', 3, 'id']`. */
function pathText(path: JsonPath): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)'
  );
}

/** A wrong value in a JSON file: `<file>:<line>:<column>: <path>: <message>`. */
export function jsonFieldError(file: string, text: string, path: JsonPath, message: string): Error {
  return new Error(`${file}:${located(text, path)}: ${pathText(path)}: ${message}`);
}

const ORG_REMEDY =
  "org.json is the local target's Organization: { organizationId, accounts: [{ id, name, state, ouPath, joined }] }; fix it, or run 'org-compliance demo' to generate one.";

/** org.json as an Organization, or an error naming the file, the place and what would be valid. */
export function parseOrgJson(
  file: string,
  text: string,
  check: (data: unknown) => OrganizationSnapshot,
): OrganizationSnapshot {
  const data = parseJsonFile(file, text, ORG_REMEDY);
  if (isRecord(data) && Array.isArray(data.accounts)) {
    const problems = organizationProblems({ accounts: data.accounts });
    if (problems.length > 0) throw new OrganizationDataError(file, problems, (at) => located(text, at));
  }
  return checkOrganization(check(data), file);
}

/** The state file's remedy: what it is, and what each way out means. */
export function stateRemedy(file: string): string {
  return (
    `${file} is the local target's record of what it deployed; it was left as it is. ` +
    'Restore it from a backup, or delete it to start afresh: the local target then remembers nothing it deployed, ' +
    'so the next plan proposes to create every rule, table, view and dashboard again (only the reference data ' +
    'under s3/ is found as it is) and apply re-creates them in the same directory; org.json, the snapshot files ' +
    'and the compacted data are kept.'
  );
}

/** Where a state section's entries must be objects: `configRules.<region>.<name>`. */
const NESTED_SECTIONS = ['configRules', 'glueTables', 'athenaViews', 'quicksight'] as const;

function sectionProblem(state: Record<string, unknown>): { path: JsonPath; message: string } | undefined {
  for (const section of NESTED_SECTIONS) {
    const value = state[section];
    if (value === undefined) continue;
    if (!isRecord(value))
      return { path: [section], message: 'expected an object (region or kind → name → resource)' };
    for (const [group, entries] of Object.entries(value)) {
      if (!isRecord(entries))
        return { path: [section, group], message: 'expected an object (name → resource)' };
      for (const [name, resource] of Object.entries(entries))
        if (!isRecord(resource))
          return { path: [section, group, name], message: "expected an object (the resource's properties)" };
    }
  }
  return undefined;
}

/**
 * state.json's content checked: an object of this format version whose sections map names to
 * resources. Returns the data; throws naming the file, the place and the remedy (never rewriting it).
 */
export function parseStateJson(file: string, text: string): Record<string, unknown> {
  const remedy = stateRemedy(file);
  const data = parseJsonFile(file, text, remedy);
  const fail = (path: JsonPath, message: string): Error =>
    new Error(`${jsonFieldError(file, text, path, message).message}. ${remedy}`);
  if (!isRecord(data))
    throw fail(
      [],
      `expected an object { version: ${STATE_VERSION}, configRules, glueTables, athenaViews, quicksight }`,
    );
  if (typeof data.version === 'number' && Number.isInteger(data.version) && data.version > STATE_VERSION)
    throw new Error(
      `${file}:${located(text, ['version'])}: version: state format ${data.version} was written by a newer org-compliance (this one reads format ${STATE_VERSION}); ` +
        `it was left as it is: run the newer org-compliance, or restore a backup written in format ${STATE_VERSION}.`,
    );
  if (data.version !== STATE_VERSION)
    throw fail(['version'], `expected ${STATE_VERSION}, found ${JSON.stringify(data.version ?? null)}`);
  const problem = sectionProblem(data);
  if (problem) throw fail(problem.path, problem.message);
  return data;
}
