import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Downloads and tools are cached here: $ORG_COMPLIANCE_CACHE, else ~/.cache/org-compliance.
 * Returns the directory for `parts` below it, created when missing.
 */
export function cacheDir(...parts: string[]): string {
  const base = process.env.ORG_COMPLIANCE_CACHE
    ? resolve(process.env.ORG_COMPLIANCE_CACHE)
    : join(homedir(), '.cache', 'org-compliance');
  const dir = join(base, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
