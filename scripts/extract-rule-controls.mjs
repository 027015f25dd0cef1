#!/usr/bin/env node
/**
 * Builds src/load/data/managed-rules-controls.json from the archived Security Hub user guide
 * (github.com/awsdocs/aws-security-hub-user-guide): for every Security Hub control whose
 * "AWS Config rule" is an AWS Config managed rule of src/load/data/, the control id, its severity,
 * the rule, and the framework requirements the control page relates it to (CIS AWS Foundations
 * Benchmark, PCI DSS v3.2.1, NIST SP 800-53 Rev. 5) plus membership of the AWS Foundational
 * Security Best Practices standard (fsbp-standard.md). Facts only: ids, severities, names.
 *
 *   node scripts/extract-rule-controls.mjs <git dir of aws-security-hub-user-guide> [commit]
 *
 * The commit defaults to bda5bf7ddbdf498557b2ac6a538577528004e6d5 (2023-03-10), the last one
 * before the repository was emptied for archiving. The output is written to stdout; redirect it
 * to src/load/data/managed-rules-controls.json. Stdlib only.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_COMMIT = 'bda5bf7ddbdf498557b2ac6a538577528004e6d5';
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '..', 'src', 'load', 'data');

const [gitDir, commit = DEFAULT_COMMIT] = process.argv.slice(2);
if (!gitDir) {
  process.stderr.write('usage: extract-rule-controls.mjs <git dir> [commit]\n');
  process.exit(1);
}

const git = (...args) =>
  execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const date = git('log', '-1', '--format=%cs', commit).trim();
const files = git('ls-tree', '-r', '--name-only', commit, 'doc_source/')
  .split('\n')
  .filter((f) => /^doc_source\/[a-z0-9]+-controls\.md$/.test(f));
const show = (path) => git('show', `${commit}:${path}`);

/** Managed rule names (the guide's page names) → identifier, from the data the loader uses. */
function managedRuleNames() {
  const names = new Map();
  for (const file of ['managed-rules.json', 'managed-rules-additions.json']) {
    const data = JSON.parse(readFileSync(join(dataDir, file), 'utf8'));
    for (const r of data.rules) names.set(r.name, r.identifier);
  }
  return names;
}

/** Markdown escapes removed: `S3\.8` → `S3.8`. */
const unescaped = (s) => s.replace(/\\(.)/g, '$1');

/** The framework requirement one "Related requirements" item names, or undefined. */
function requirement(item) {
  const text = unescaped(item).trim();
  let m = /^CIS AWS Foundations Benchmark (v[0-9.]+)\/(\S+)$/.exec(text);
  if (m) return ['cis-aws-foundations', `${m[1]}/${m[2]}`];
  m = /^PCI DSS v3\.2\.1\/(\S+)$/.exec(text);
  if (m) return ['pci-dss', m[1]];
  m = /^NIST\.800-53\.r5 (\S+)$/.exec(text);
  if (m) return ['nist-800-53', m[1]];
  throw new Error(`unknown requirement: ${text}`);
}

/** The managed rule's page name on an "AWS Config rule:" line, or undefined (none, custom). */
function configRule(line) {
  if (/custom/i.test(line)) return undefined;
  const url = /developerguide\/([a-z0-9-]+?)(?:\.html)?\)/.exec(line);
  if (url) return url[1];
  const code = /`([a-z0-9-]+)`/.exec(line);
  return code?.[1];
}

function parseControls() {
  const controls = [];
  for (const file of files) {
    const sections = show(file).split(/^## /m).slice(1);
    for (const section of sections) {
      const head = /^\\\[([A-Za-z0-9]+\\\.[0-9]+)\\\]/.exec(section);
      if (!head) continue;
      const id = unescaped(head[1]);
      const severity = /^\*\*Severity: ?\*\* ?(\w+)/m.exec(section)?.[1]?.toLowerCase();
      if (!SEVERITIES.includes(severity)) throw new Error(`${file} ${id}: severity ${severity}`);
      const ruleLine = /^\*\*AWS Config rule:\*\*(.*)$/m.exec(section)?.[1] ?? '';
      const related = /^\*\*Related requirements:\*\*(.*)$/m.exec(section)?.[1] ?? '';
      const requirements = related
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && unescaped(s) !== 'None')
        .map(requirement);
      controls.push({ id, severity, rule: configRule(ruleLine), requirements, file });
    }
  }
  return controls;
}

const fsbp = new Set(
  [...show('doc_source/fsbp-standard.md').matchAll(/^ *\[\\\[([A-Za-z0-9]+\\\.[0-9]+)\\\]/gm)].map((m) =>
    unescaped(m[1]),
  ),
);
const names = managedRuleNames();
const all = parseControls();
const byNumber = (a, b) => {
  const [sa, na] = a.split('.');
  const [sb, nb] = b.split('.');
  return sa.localeCompare(sb) || Number(na) - Number(nb);
};
const mapped = all
  .filter((c) => c.rule !== undefined && names.has(c.rule))
  .sort((a, b) => byNumber(a.id, b.id));
const unknown = all.filter((c) => c.rule !== undefined && !names.has(c.rule));

const controls = mapped.map((c) => {
  const frameworks = {};
  if (fsbp.has(c.id)) frameworks['aws-fsbp'] = [c.id];
  for (const [framework, control] of c.requirements) {
    frameworks[framework] ??= [];
    frameworks[framework].push(control);
  }
  for (const list of Object.values(frameworks))
    list.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { id: c.id, severity: c.severity, rule: c.rule, identifier: names.get(c.rule), frameworks };
});

const output = {
  source: `awsdocs/aws-security-hub-user-guide doc_source/*-controls.md and doc_source/fsbp-standard.md at commit ${commit} (${date})`,
  date,
  note: `Security Hub controls backed by an AWS Config managed rule: the control id, its severity, the rule (page name and identifier as in managed-rules.json) and the framework requirements the control's page relates it to, by framework id. aws-fsbp: the control is in the AWS Foundational Security Best Practices standard (the control id is the requirement). Generated by scripts/extract-rule-controls.mjs; ${all.length} controls read, ${mapped.length} backed by a known managed rule, ${all.length - mapped.length - unknown.length} with no AWS Config rule or a Security Hub custom rule, ${unknown.length} naming a rule the managed-rule data does not know (${unknown.map((c) => `${c.id} ${c.rule}`).join(', ') || 'none'}).`,
  frameworks: {
    'cis-aws-foundations': 'CIS AWS Foundations Benchmark (v1.2.0 and v1.4.0 requirement numbers)',
    'aws-fsbp': 'AWS Foundational Security Best Practices',
    'nist-800-53': 'NIST SP 800-53 Rev. 5',
    'pci-dss': 'PCI DSS v3.2.1',
  },
  controls,
};
process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
