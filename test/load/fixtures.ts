/** Small repositories written to a temporary directory, shaped like the shipped config/ files. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type LoadOptions, type LoadResult, loadRepository } from '../../src/load/index.js';
import type { Diagnostic } from '../../src/model/diagnostics.js';

/**
 * Template literal that removes the first newline and the common indentation, so a fixture
 * can be written indented in the test and its line 1 is the line after the opening backtick.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '\n')
    .split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = Math.min(...indents);
  return lines.map((l) => l.slice(cut)).join('\n');
}

export const ORG_YAML = yaml`
  organizationId: o-a1b2c3d4e5
  regions:
    - eu-west-1
    - us-east-1
  homeRegion: eu-west-1
  snapshots:
    bucket: acme-config-snapshots
    prefix: ''
    orgIdInPath: true
  projection:
    startDate: '2025-01-01'
  glue:
    database: org_compliance
    table: config_snapshots
  closedAccountRetentionDays: 365
`;

export const ACCOUNTS_YAML = yaml`
  accounts:
    - id: '012345678901'
      name: log-archive
      state: ACTIVE
      ou: /Root/Security
      joined: '2023-01-10'
    - id: '123456789012'
      name: payments-prod
      state: ACTIVE
      ou: /Root/Workloads/Prod/Payments
      joined: '2024-02-03'
      owner: team-payments
`;

export const RULES_YAML = yaml`
  defaults:
    maximumExecutionFrequency: TwentyFour_Hours
  rules:
    - name: security-access-keys-rotated
      identifier: ACCESS_KEYS_ROTATED
      description: Active IAM access keys are younger than 90 days.
      parameters:
        maxAccessKeyAge: 90
    - name: security-s3-bucket-public-read-prohibited
      identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
`;

export interface RepositoryFiles {
  org?: string;
  accounts?: string;
  rules?: string;
}

/** Writes config/{org,accounts,rules}.yaml (the valid fixtures unless given) and loads them. */
export async function loadFixture(
  files: RepositoryFiles = {},
  options: LoadOptions = {},
): Promise<LoadResult> {
  const root = await mkdtemp(join(tmpdir(), 'org-compliance-load-'));
  try {
    await mkdir(join(root, 'config'));
    await writeFile(join(root, 'config/org.yaml'), files.org ?? ORG_YAML);
    await writeFile(join(root, 'config/accounts.yaml'), files.accounts ?? ACCOUNTS_YAML);
    await writeFile(join(root, 'config/rules.yaml'), files.rules ?? RULES_YAML);
    return await loadRepository(root, options);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export function errors(result: LoadResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'error');
}

export function warnings(result: LoadResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'warning');
}

/** Matches a message containing every part, in this order. */
export function saying(...parts: string[]) {
  return expect.stringMatching(
    new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^]*')),
  );
}

/** The diagnostics reported on one field. */
export function at(result: LoadResult, field: string): Diagnostic[] {
  return result.diagnostics.filter((d) => d.field === field);
}
