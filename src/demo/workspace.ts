/**
 * The demo's workspace: a copy of the repository's configuration inside the local directory,
 * fitted to a generated organization, so the demo never changes the repository's own files.
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { compareAccounts } from '../discover/compare.js';
import { updateAccountsYaml } from '../discover/write-accounts.js';
import type { OrganizationSnapshot } from '../model/provider.js';

/** Regions the demo uses, first ones first; the first is the home region. */
export const DEMO_REGIONS = [
  'eu-west-1',
  'eu-central-1',
  'us-east-1',
  'us-west-2',
  'eu-north-1',
  'ap-northeast-1',
];
const MARKER = '.org-compliance-demo';
/** What the demo writes in the local directory, and nothing else. */
const OWNED = [
  'org.json',
  'state.json',
  's3',
  'repo',
  'report.md',
  'report.json',
  'report.html',
  'quicksight',
  'dashboard.png',
  MARKER,
];

/** Empties what an earlier demo wrote; refuses a non-empty directory that a demo did not make. */
export async function resetDemoDir(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (entries.length && !entries.includes(MARKER)) {
    throw new Error(
      `${dir} is not empty and was not made by 'org-compliance demo'; choose another --local-dir (the demo replaces the directory's org.json, state.json and s3/)`,
    );
  }
  for (const name of OWNED) await rm(join(dir, name), { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'Made by org-compliance demo; the demo may replace this directory.\n');
}

export interface DemoWorkspaceOptions {
  /** The repository whose config/ and sql/ are copied. */
  sourceRoot: string;
  /** Where the copy goes. */
  root: string;
  organization: OrganizationSnapshot;
  /** Accounts that joined the Organization but are not in accounts.yaml yet (discover will add them). */
  notYetListed: string[];
  regions: number;
  today: string;
}

/**
 * A rule that lists its regions keeps those the demo has; one left with none goes, as it must in an
 * organization without them (the shipped CloudFront rule exists in us-east-1 only). The file is
 * rewritten only when something changed.
 */
async function fitRuleRegions(path: string, regions: readonly string[]): Promise<void> {
  const doc = parseDocument(await readFile(path, 'utf8'));
  const rules = doc.get('rules');
  if (!isSeq(rules)) return;
  let changed = false;
  rules.items = rules.items.filter((rule) => {
    const listed = isMap(rule) ? rule.get('regions', true) : undefined;
    if (!isSeq(listed)) return true;
    const kept = listed.items.filter((r) => isScalar(r) && regions.includes(String(r.value)));
    if (kept.length === listed.items.length) return true;
    changed = true;
    listed.items = kept;
    return kept.length > 0;
  });
  if (changed) await writeFile(path, doc.toString({ lineWidth: 0 }));
}

/** Copies config/ and sql/, then fits org.yaml, rules.yaml, accounts.yaml and exceptions.yaml to the organization. */
export async function prepareDemoWorkspace(o: DemoWorkspaceOptions): Promise<void> {
  await cp(join(o.sourceRoot, 'config'), join(o.root, 'config'), { recursive: true });
  await cp(join(o.sourceRoot, 'sql'), join(o.root, 'sql'), { recursive: true });
  await cp(join(o.sourceRoot, 'quicksight'), join(o.root, 'quicksight'), { recursive: true });

  const orgPath = join(o.root, 'config/org.yaml');
  const org = parseDocument(await readFile(orgPath, 'utf8'));
  const regions = DEMO_REGIONS.slice(0, Math.max(1, Math.min(o.regions, DEMO_REGIONS.length)));
  org.set('organizationId', o.organization.organizationId);
  org.set('regions', regions);
  org.set('homeRegion', regions[0]);
  await writeFile(orgPath, org.toString({ lineWidth: 0 }));
  await fitRuleRegions(join(o.root, 'config/rules.yaml'), regions);

  const listed = {
    ...o.organization,
    accounts: o.organization.accounts.filter((a) => !o.notYetListed.includes(a.id)),
  };
  const header = [
    '# Accounts of the demo organization, written by org-compliance demo.',
    '# Maintained by `org-compliance discover --write`; fields other than id, name, state, ou, joined and closed are yours.',
    'accounts: []',
    '',
  ].join('\n');
  const accounts = updateAccountsYaml(header, compareAccounts([], listed), o.today);
  await writeFile(join(o.root, 'config/accounts.yaml'), accounts);

  const active = listed.accounts.filter((a) => a.state === 'ACTIVE').sort((a, b) => a.id.localeCompare(b.id));
  const soon = new Date(Date.parse(`${o.today}T00:00:00Z`) + 20 * 86_400_000).toISOString().slice(0, 10);
  const later = new Date(Date.parse(`${o.today}T00:00:00Z`) + 200 * 86_400_000).toISOString().slice(0, 10);
  const lines = [
    '# Reviewed exceptions for the demo organization (see the repository copy for the format).',
    'exceptions:',
  ];
  if (active[0]) {
    lines.push(
      '  - id: legacy-unencrypted-volumes',
      '    rules: [security-encrypted-volumes]',
      `    accounts: ['${active[0].id}']`,
      '    resourceType: AWS::EC2::Volume',
      '    reason: Volumes of a legacy batch host, replaced by encrypted ones in the next migration wave.',
      '    owner: team-platform',
      '    ticket: SEC-2041',
      `    expires: '${soon}'`,
    );
  }
  if (active[1]) {
    lines.push(
      '  - id: idle-volumes-during-migration',
      "    rules: ['cost-ec2-volume-inuse-check']",
      `    accounts: ['${active[1].id}']`,
      '    reason: Detached volumes are kept until the database migration is verified.',
      '    owner: team-data',
      `    expires: '${later}'`,
    );
  }
  if (lines.length === 2) lines[1] = 'exceptions: []';
  await writeFile(join(o.root, 'config/exceptions.yaml'), `${lines.join('\n')}\n`);
}
