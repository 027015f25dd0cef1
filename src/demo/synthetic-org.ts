import type { OrgAccount, OrganizationSnapshot } from '../model/provider.js';
import { seededRandom } from './random.js';

export interface SyntheticOrgOptions {
  organizationId: string;
  accounts: number;
  /** Organizational units below the root, spread over up to three levels. */
  ous: number;
  seed: number;
  /** Newest join date, `YYYY-MM-DD`. */
  until: string;
}

const TEAMS = [
  'payments',
  'claims',
  'patient-portal',
  'records',
  'analytics',
  'identity',
  'billing',
  'scheduling',
  'imaging',
  'pharmacy',
  'lab-results',
  'notifications',
  'search',
  'data-platform',
  'ml-platform',
  'telehealth',
];
const STAGES = ['prod', 'staging', 'dev', 'sandbox'];
const TOP_OUS = ['Workloads', 'Security', 'Infrastructure', 'Sandbox', 'Suspended'];

/**
 * A deterministic organization that looks like a real one: account ids with leading zeros,
 * nested OUs, a few suspended / closed / pending accounts, join dates over four years.
 */
export function syntheticOrganization(o: SyntheticOrgOptions): OrganizationSnapshot {
  const rand = seededRandom(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

  // OU paths, breadth first: top-level OUs, environments, teams, then components for big organizations.
  const ouPaths: string[] = [];
  const levels: string[][] = [
    TOP_OUS.map((n) => `/Root/${n}`),
    [
      '/Root/Workloads/Prod',
      '/Root/Workloads/NonProd',
      '/Root/Infrastructure/Network',
      '/Root/Infrastructure/Logging',
    ],
    ['Prod', 'NonProd'].flatMap((env) => TEAMS.map((t) => `/Root/Workloads/${env}/${title(t)}`)),
  ];
  for (const level of levels) for (const p of level) if (ouPaths.length < o.ous) ouPaths.push(p);
  const teamOus = ouPaths.filter((p) => p.split('/').length === 5);
  for (let c = 1; ouPaths.length < o.ous; c++) {
    for (const parent of teamOus) {
      if (ouPaths.length >= o.ous) break;
      ouPaths.push(`${parent}/Component-${c}`);
    }
    if (!teamOus.length) break;
  }
  const active = ouPaths.filter((p) => !p.endsWith('/Suspended'));
  const names = new Map<string, number>();

  const until = Date.parse(`${o.until}T00:00:00Z`);
  const fourYears = 4 * 365 * 86_400_000;
  const ids = new Set<string>();
  const accounts: OrgAccount[] = [];
  for (let n = 0; n < o.accounts; n++) {
    let id: string;
    do {
      // About one id in ten starts with a zero, as real ones do.
      id = String(Math.floor(rand() * 1e12)).padStart(12, '0');
    } while (ids.has(id));
    ids.add(id);
    // About 7% of accounts on their way out, spread evenly so even small organizations have some.
    const state =
      n % 29 === 11 ? 'SUSPENDED' : n % 29 === 23 ? 'CLOSED' : n % 97 === 60 ? 'PENDING_CLOSURE' : 'ACTIVE';
    const home = pick(active);
    const ouPath = state === 'ACTIVE' || !ouPaths.includes('/Root/Suspended') ? home : '/Root/Suspended';
    const joined = new Date(until - Math.floor(rand() * fourYears)).toISOString().slice(0, 10);
    const base = accountBaseName(home, pick);
    const count = (names.get(base) ?? 0) + 1;
    names.set(base, count);
    accounts.push({ id, name: count === 1 ? base : `${base}-${count}`, state, ouPath, joined });
  }
  accounts.sort((a, b) => a.joined.localeCompare(b.joined) || a.id.localeCompare(b.id));
  return { organizationId: o.organizationId, accounts };
}

function title(s: string): string {
  return s.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
}

/** `payments-prod` for /Root/Workloads/Prod/Payments, `network-shared` for infrastructure, and so on. */
function accountBaseName(ouPath: string, pick: <T>(xs: readonly T[]) => T): string {
  const parts = ouPath.split('/').filter(Boolean);
  if (parts[1] === 'Workloads' && parts[3]) {
    const env = parts[2] === 'Prod' ? 'prod' : pick(['staging', 'dev', 'test']);
    return `${parts[3].toLowerCase()}-${env}`;
  }
  if (parts[1] === 'Workloads') return `${pick(TEAMS)}-${parts[2] === 'Prod' ? 'prod' : pick(STAGES)}`;
  if (parts[1] === 'Security') return pick(['security-tooling', 'log-archive', 'audit', 'incident-response']);
  if (parts[1] === 'Infrastructure')
    return `${(parts[2] ?? 'shared').toLowerCase()}-${pick(['hub', 'shared', 'egress', 'dns'])}`;
  return `sandbox-${pick(['alice', 'bob', 'chen', 'dana', 'emre', 'fatima', 'gita', 'hugo'])}`;
}

/** The OU paths an organization uses, with every ancestor, root first. */
export function ouTree(org: OrganizationSnapshot): string[] {
  const paths = new Set<string>();
  for (const a of org.accounts) {
    const parts = a.ouPath.split('/').filter(Boolean);
    for (let k = 1; k <= parts.length; k++) paths.add(`/${parts.slice(0, k).join('/')}`);
  }
  return [...paths].sort();
}
