#!/usr/bin/env node
// Generates a synthetic organization (DIR/org.json) and its AWS Config snapshot files (DIR/s3/)
// from the compiled code in lib/. Build first: npx tsc -p tsconfig.build.json
//
//   node scripts/generate-org.mjs --out DIR [--accounts N] [--regions R] [--days D] [--seed S] [--until YYYY-MM-DD]
//       [--large-resources N [--large-days D] [--large-account ID] [--large-region REGION]]
//
// --regions takes a count (the first R of config/org.yaml's regions, then further regions) or a
// comma-separated list. The home region stays config/org.yaml's when it is among them.
//
// --large-resources N gives one active account N more resources in one region (default: an
// account chosen from the seed, in the home region), each evaluated by the rules running there,
// in its snapshot files of the last --large-days days (default 1: the newest day only). With the
// shipped catalog that is about 2.5 kB of JSON per resource: some 15,000 make a file over Athena's
// 32 MB row limit, which the compaction streams. Such files are generated as they are written, so
// memory stays small whatever N is. Every other file is the same as without the option.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const LIB = join(ROOT, 'lib');
const MORE_REGIONS = ['us-west-2', 'eu-north-1', 'ap-northeast-1', 'ca-central-1', 'sa-east-1'];
const USAGE =
  'usage: node scripts/generate-org.mjs --out DIR [--accounts N] [--regions R|r1,r2] [--days D] [--seed S] [--until YYYY-MM-DD]\n' +
  '         [--large-resources N [--large-days D] [--large-account ID] [--large-region REGION]]';

function fail(message) {
  console.error(message);
  process.exit(2);
}

function positiveInt(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    accounts: { type: 'string', default: '40' },
    regions: { type: 'string' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '20210401' },
    until: { type: 'string' },
    'large-resources': { type: 'string' },
    'large-days': { type: 'string' },
    'large-account': { type: 'string' },
    'large-region': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.out) fail(`--out is required\n${USAGE}`);
const until = values.until ?? new Date().toISOString().slice(0, 10);
if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(`${until}T00:00:00Z`)))
  fail(`--until must be a date YYYY-MM-DD, got '${until}'`);
const accounts = positiveInt('accounts', values.accounts);
const days = positiveInt('days', values.days);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got '${values.seed}'`);
let large;
if (values['large-resources'] !== undefined) {
  large = { resources: positiveInt('large-resources', values['large-resources']) };
  if (values['large-days'] !== undefined) large.days = positiveInt('large-days', values['large-days']);
  if (values['large-account'] !== undefined) large.account = values['large-account'];
  if (values['large-region'] !== undefined) large.region = values['large-region'];
} else if (
  values['large-days'] !== undefined ||
  values['large-account'] !== undefined ||
  values['large-region'] !== undefined
) {
  fail(`--large-days, --large-account and --large-region need --large-resources\n${USAGE}`);
}

if (!existsSync(join(LIB, 'demo', 'snapshots.js')))
  fail('lib/ is missing or stale: build it first with npx tsc -p tsconfig.build.json');
const { loadRepository, formatDiagnostic } = await import(join(LIB, 'load', 'index.js'));
const { syntheticOrganization } = await import(join(LIB, 'demo', 'synthetic-org.js'));
const { writeSnapshots, snapshotScenario } = await import(join(LIB, 'demo', 'snapshots.js'));

const loaded = await loadRepository(ROOT);
if (!loaded.repository) {
  fail(`config/ does not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
}
const { rules } = loaded.repository;
let { org } = loaded.repository;

if (values.regions !== undefined) {
  let regions;
  if (/^\d+$/.test(values.regions)) {
    const n = positiveInt('regions', values.regions);
    const all = [...new Set([org.homeRegion, ...org.regions, ...MORE_REGIONS])];
    if (n > all.length) fail(`--regions: at most ${all.length} regions are known, got ${n}`);
    regions = all.slice(0, n);
  } else {
    regions = values.regions
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    if (!regions.length) fail(`--regions: no region in '${values.regions}'`);
  }
  const homeRegion = regions.includes(org.homeRegion) ? org.homeRegion : regions[0];
  org = { ...org, regions, homeRegion };
}

const out = resolve(values.out);
const started = performance.now();
const organization = syntheticOrganization({
  organizationId: org.organizationId,
  accounts,
  ous: Math.max(5, Math.min(60, Math.ceil(accounts / 3))),
  seed,
  until,
});
await mkdir(out, { recursive: true });
await writeFile(join(out, 'org.json'), `${JSON.stringify(organization, null, 2)}\n`);
const options = {
  org,
  organization,
  rules,
  days,
  until,
  seed,
  s3Dir: join(out, 's3'),
  ...(large ? { large } : {}),
};
let summary;
try {
  summary = await writeSnapshots(options);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const seconds = (performance.now() - started) / 1000;

const states = {};
for (const a of organization.accounts) states[a.state] = (states[a.state] ?? 0) + 1;
const scenario = snapshotScenario(options);
console.log(
  `organization: ${organization.accounts.length} accounts (${JSON.stringify(states)}) → ${join(out, 'org.json')}`,
);
console.log(
  `regions: ${org.regions.join(', ')} (home ${org.homeRegion}); days: ${days} to ${until}; seed ${seed}`,
);
console.log(
  `snapshots: ${summary.files} files, ${(summary.bytes / 1024 / 1024).toFixed(1)} MiB gzip → ${join(out, 's3', org.snapshots.bucket)}`,
);
if (scenario.stale) console.log(`stale: ${scenario.stale.account} ${scenario.stale.region}`);
if (scenario.gap)
  console.log(`missed day: ${scenario.gap.account} ${scenario.gap.region} ${scenario.gap.date}`);
if (scenario.extraRegion)
  console.log(`extra region ${scenario.extraRegion}: ${scenario.extraRegionAccounts.join(', ')}`);
if (scenario.large) {
  const { account, region, resources, dates } = scenario.large;
  console.log(`large: ${account} ${region}, ${resources} more resources on ${dates.join(', ')}`);
  for (const f of summary.large ?? []) {
    const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    console.log(`  ${f.key}: ${mib(f.jsonBytes)} JSON, ${mib(f.gzipBytes)} gzip`);
  }
}
console.log(`time: ${seconds.toFixed(1)} s`);
