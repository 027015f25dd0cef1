import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { desiredConfigRules } from '../../src/desired/config-rules.js';
import regionData from '../../src/load/data/managed-rules-regions.json' with { type: 'json' };
import { loadRepository } from '../../src/load/index.js';
import { builtInManagedRules, isAvailableIn } from '../../src/load/managed-rules.js';
import { ruleRegionsText } from '../../src/load/rules.js';
import type { RuleSpec } from '../../src/model/config.js';
import { deployRegions } from '../../src/model/rule-regions.js';
import { loadFixture, ORG_YAML, yaml } from './fixtures.js';

const RULES = 'config/rules.yaml';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLOUDFRONT = 'security-cloudfront-viewer-policy-https';

/** ORG_YAML (regions eu-west-1 and us-east-1, home eu-west-1) with other regions. */
function orgWithRegions(regions: string[], home = regions[0]): string {
  return ORG_YAML.replace(
    /regions:\n(?: {2}- .+\n)+homeRegion: .+\n/,
    `regions:\n${regions.map((r) => `  - ${r}\n`).join('')}homeRegion: ${home}\n`,
  );
}

/** The fixture's org and rules, which must load without a diagnostic. */
async function loadClean(rules: string, org?: string) {
  const result = await loadFixture({ rules, ...(org ? { org } : {}) });
  expect(result.diagnostics).toEqual([]);
  const repo = result.repository;
  if (!repo) throw new Error('not loaded');
  return repo;
}

describe('config/rules.yaml: regions as a list', () => {
  test('a listed rule is deployed to the listed regions only; home and all work as before', async () => {
    const repo = await loadClean(yaml`
      rules:
        - name: security-cloudfront-viewer-policy-https
          identifier: CLOUDFRONT_VIEWER_POLICY_HTTPS
          regions: [us-east-1]
        - name: security-s3-bucket-public-read-prohibited
          identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
          regions:
            - us-east-1
            - eu-west-1
        - name: security-s3-bucket-public-write-prohibited
          identifier: S3_BUCKET_PUBLIC_WRITE_PROHIBITED
          regions: home
        - name: security-s3-bucket-level-public-access-prohibited
          identifier: S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED
    `);
    const rules = new Map(repo.rules.map((r) => [r.name, r]));
    expect(rules.get(CLOUDFRONT)?.regions).toEqual(['us-east-1']);
    const placed = desiredConfigRules(repo.org, repo.rules).map((d) => `${d.properties.name} ${d.region}`);
    expect(placed.sort()).toEqual([
      'security-cloudfront-viewer-policy-https us-east-1',
      'security-s3-bucket-level-public-access-prohibited eu-west-1',
      'security-s3-bucket-level-public-access-prohibited us-east-1',
      'security-s3-bucket-public-read-prohibited eu-west-1',
      'security-s3-bucket-public-read-prohibited us-east-1',
      'security-s3-bucket-public-write-prohibited eu-west-1',
    ]);
  });

  test('ruleRegionsText: home, all, or the listed regions sorted and joined by commas', () => {
    const text = (regions: RuleSpec['regions']) => ruleRegionsText({ regions } as RuleSpec);
    expect(text('home')).toBe('home');
    expect(text('all')).toBe('all');
    expect(text(['us-east-1'])).toBe('us-east-1');
    expect(text(['us-east-1', 'eu-west-1', 'eu-central-1'])).toBe('eu-central-1,eu-west-1,us-east-1');
  });

  test("deployRegions keeps org.yaml's order and drops nothing it lists", () => {
    const org = { regions: ['eu-west-1', 'eu-central-1', 'us-east-1'], homeRegion: 'eu-central-1' };
    expect(deployRegions('all', org)).toEqual(['eu-west-1', 'eu-central-1', 'us-east-1']);
    expect(deployRegions('home', org)).toEqual(['eu-central-1']);
    expect(deployRegions(['us-east-1', 'eu-west-1'], org)).toEqual(['eu-west-1', 'us-east-1']);
  });

  test("a listed region that is not one of org.yaml's is an error on the item, naming the nearest and the valid ones", async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3-bucket-public-read-prohibited
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
            regions: [eu-west-1, us-east-2, ap-southeast-2]
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 26,
        field: 'rules[0].regions[1]',
        message:
          "region 'us-east-2' is not one of config/org.yaml's regions; did you mean 'us-east-1'? Valid: eu-west-1, us-east-1",
      },
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 37,
        field: 'rules[0].regions[2]',
        message:
          "region 'ap-southeast-2' is not one of config/org.yaml's regions. Valid: eu-west-1, us-east-1",
      },
    ]);
  });

  test('a region listed twice is an error on the second, naming the line of the first', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3-bucket-public-read-prohibited
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
            regions:
              - us-east-1
              - eu-west-1
              - us-east-1
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 7,
        column: 9,
        field: 'rules[0].regions[2]',
        message: "region 'us-east-1' is listed twice (first at line 5)",
      },
    ]);
  });

  test('an empty list is an error', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3-bucket-public-read-prohibited
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
            regions: []
      `,
    });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 14,
        field: 'rules[0].regions',
        message: "list at least one region, or write 'home' or 'all'",
      },
    ]);
  });

  test('a value that is neither home, all nor a list of names says all three forms', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3-bucket-public-read-prohibited
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
            regions: {us-east-1: true}
      `,
    });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 14,
        field: 'rules[0].regions',
        message:
          "expected 'home' (home region only) or 'all' (every region of config/org.yaml), or a list of regions such as [us-east-1]",
      },
    ]);
  });
});

describe('config/rules.yaml: a rule only where AWS Config offers it', () => {
  const viewerPolicy = (regions: string) => yaml`
    rules:
      - name: security-cloudfront-viewer-policy-https
        identifier: CLOUDFRONT_VIEWER_POLICY_HTTPS
    ${regions}
  `;

  test('regions left out (all) is refused at the identifier, suggesting the list', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-cloudfront-viewer-policy-https
            identifier: CLOUDFRONT_VIEWER_POLICY_HTTPS
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 3,
        column: 17,
        field: 'rules[0].identifier',
        message:
          "rule 'security-cloudfront-viewer-policy-https' would deploy CLOUDFRONT_VIEWER_POLICY_HTTPS to eu-west-1 (regions left out: all), but the AWS Config Developer Guide documents it only in us-east-1; write regions: [us-east-1]",
      },
    ]);
  });

  test.each([
    ['all', 'eu-west-1 (regions: all)'],
    ['home', 'eu-west-1 (regions: home)'],
  ])('regions: %s is refused at the value', async (value, placed) => {
    const result = await loadFixture({ rules: viewerPolicy(`    regions: ${value}`) });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 14,
        field: 'rules[0].regions',
        message: `rule 'security-cloudfront-viewer-policy-https' would deploy CLOUDFRONT_VIEWER_POLICY_HTTPS to ${placed}, but the AWS Config Developer Guide documents it only in us-east-1; write regions: [us-east-1]`,
      },
    ]);
  });

  test('a list naming a region that does not offer the rule is refused at that item', async () => {
    const result = await loadFixture({ rules: viewerPolicy('    regions: [eu-west-1, us-east-1]') });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 15,
        field: 'rules[0].regions[0]',
        message:
          "rule 'security-cloudfront-viewer-policy-https' would deploy CLOUDFRONT_VIEWER_POLICY_HTTPS to eu-west-1, but the AWS Config Developer Guide documents it only in us-east-1; write regions: [us-east-1]",
      },
    ]);
  });

  test('a rule documented everywhere but some regions: all is refused in those, and the others are suggested', async () => {
    const result = await loadFixture({
      org: orgWithRegions(['eu-west-1', 'eu-central-2', 'us-east-1']),
      rules: yaml`
        rules:
          - name: security-s3-bucket-public-read-prohibited
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
            regions: all
      `,
    });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 14,
        field: 'rules[0].regions',
        message:
          "rule 'security-s3-bucket-public-read-prohibited' would deploy S3_BUCKET_PUBLIC_READ_PROHIBITED to eu-central-2 (regions: all), but the AWS Config Developer Guide documents it in every region except ap-south-2, ap-southeast-4, eu-central-2, eu-south-2; write regions: [eu-west-1, us-east-1]",
      },
    ]);
  });

  test('a global rule whose home region does not offer it is refused at the identifier', async () => {
    const result = await loadFixture({
      org: orgWithRegions(['eu-central-2', 'eu-west-1']),
      rules: yaml`
        rules:
          - name: security-access-keys-rotated
            identifier: ACCESS_KEYS_ROTATED
      `,
    });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 3,
        column: 17,
        field: 'rules[0].identifier',
        message:
          "rule 'security-access-keys-rotated' would deploy ACCESS_KEYS_ROTATED to eu-central-2 (regions left out: home), but the AWS Config Developer Guide documents it in every region except ap-south-2, ap-southeast-4, eu-central-2, eu-south-2, me-central-1; write regions: [eu-west-1]",
      },
    ]);
  });

  test('when no region of org.yaml offers the rule, the message says what to add', async () => {
    const result = await loadFixture({
      org: orgWithRegions(['eu-west-1', 'eu-central-1']),
      rules: viewerPolicy('    regions: all'),
    });
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      "rule 'security-cloudfront-viewer-policy-https' would deploy CLOUDFRONT_VIEWER_POLICY_HTTPS to eu-west-1, eu-central-1 (regions: all), but the AWS Config Developer Guide documents it only in us-east-1; no region of config/org.yaml offers it: add us-east-1 to config/org.yaml's regions, or remove the rule",
    ]);
  });

  test('us-east-1 listed while org.yaml lacks it is one error, on the list item', async () => {
    const result = await loadFixture({
      org: orgWithRegions(['eu-west-1']),
      rules: viewerPolicy('    regions: [us-east-1]'),
    });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 15,
        field: 'rules[0].regions[0]',
        message: "region 'us-east-1' is not one of config/org.yaml's regions. Valid: eu-west-1",
      },
    ]);
  });

  test('an unknown identifier (a warning without strict) is not checked for regions', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-some-newer-rule
            identifier: SOME_NEWER_RULE
            regions: [us-east-1]
      `,
    });
    expect(result.diagnostics.map((d) => [d.severity, d.field])).toEqual([
      ['warning', 'rules[0].identifier'],
    ]);
    expect(result.repository?.rules[0]?.regions).toEqual(['us-east-1']);
  });
});

describe('config/rules.yaml: resourceTypes against the documented ones', () => {
  test('an unknown type is an error on the item, naming the nearest documented type and all of them', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-elb-logging-enabled
            identifier: ELB_LOGGING_ENABLED
            resourceTypes:
              - AWS::ElasticLoadBalancing::LoadBalancer
              - AWS::ElasticLoadBalancingV2::LoadBalancers
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 6,
        column: 9,
        field: 'rules[0].resourceTypes[1]',
        message:
          "'AWS::ElasticLoadBalancingV2::LoadBalancers' is not a resource type ELB_LOGGING_ENABLED evaluates; did you mean 'AWS::ElasticLoadBalancingV2::LoadBalancer'? Documented: AWS::ElasticLoadBalancing::LoadBalancer, AWS::ElasticLoadBalancingV2::LoadBalancer",
      },
    ]);
  });

  test('a type far from every documented one still lists the documented ones', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-cloudfront-viewer-policy-https
            identifier: CLOUDFRONT_VIEWER_POLICY_HTTPS
            regions: [us-east-1]
            resourceTypes: [AWS::S3::Bucket]
      `,
    });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 5,
        column: 21,
        field: 'rules[0].resourceTypes[0]',
        message:
          "'AWS::S3::Bucket' is not a resource type CLOUDFRONT_VIEWER_POLICY_HTTPS evaluates. Documented: AWS::CloudFront::Distribution",
      },
    ]);
  });

  test('documented types load into the scope', async () => {
    const repo = await loadClean(yaml`
      rules:
        - name: security-elb-logging-enabled
          identifier: ELB_LOGGING_ENABLED
          resourceTypes: [AWS::ElasticLoadBalancingV2::LoadBalancer]
    `);
    expect(repo.rules[0]?.resourceTypesScope).toEqual(['AWS::ElasticLoadBalancingV2::LoadBalancer']);
  });

  test('when the guide documents no types, any well-formed type passes and a malformed one does not', async () => {
    const repo = await loadClean(yaml`
      rules:
        - name: security-iam-password-policy
          identifier: IAM_PASSWORD_POLICY
          resourceTypes: [AWS::IAM::User]
    `);
    expect(repo.rules[0]?.resourceTypesScope).toEqual(['AWS::IAM::User']);

    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-iam-password-policy
            identifier: IAM_PASSWORD_POLICY
            resourceTypes: [IAM::User]
      `,
    });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        file: RULES,
        line: 4,
        column: 21,
        field: 'rules[0].resourceTypes[0]',
        message: 'expected a resource type such as AWS::S3::Bucket',
      },
    ]);
  });
});

describe('the Region availability data', () => {
  const entries = Object.entries(regionData.rules) as [
    string,
    { availableIn?: string[]; unavailableIn?: string[]; source?: string },
  ][];

  test('names its source: the guide at the commit managed-rules.json was made from', () => {
    expect(regionData.source).toContain('e57037dbe30cd2f1fbaba43c5a4a5bd152dec5ac (2023-04-21)');
    expect(regionData.reading).toContain('A rule not listed here is available in every Region');
  });

  test('every entry is a known identifier with one non-empty, sorted list of named region codes', () => {
    const catalog = builtInManagedRules();
    for (const [identifier, e] of entries) {
      expect(catalog.get(identifier), identifier).toBeDefined();
      const list = e.availableIn ?? e.unavailableIn ?? [];
      expect(Boolean(e.availableIn) !== Boolean(e.unavailableIn), identifier).toBe(true);
      expect(list.length, identifier).toBeGreaterThan(0);
      expect(list, identifier).toEqual([...list].sort());
      for (const r of list) expect(Object.keys(regionData.regionNames), `${identifier} ${r}`).toContain(r);
    }
  });

  test('every CloudFront rule and the global WAF and Shield rules exist in us-east-1 only', () => {
    const usEast1Only = entries
      .filter(([, e]) => e.availableIn?.length === 1 && e.availableIn[0] === 'us-east-1')
      .map(([id]) => id);
    const names = entries.map(([id]) => id).filter((id) => id.startsWith('CLOUDFRONT_'));
    expect(names.length).toBe(12);
    for (const id of names) expect(usEast1Only, id).toContain(id);
    expect(usEast1Only.filter((id) => !id.startsWith('CLOUDFRONT_')).sort()).toEqual([
      'SHIELD_ADVANCED_ENABLED_AUTORENEW',
      'SHIELD_DRT_ACCESS',
      'WAF_CLASSIC_LOGGING_ENABLED',
      'WAF_GLOBAL_RULEGROUP_NOT_EMPTY',
      'WAF_GLOBAL_RULE_NOT_EMPTY',
      'WAF_GLOBAL_WEBACL_NOT_EMPTY',
    ]);
    const rule = builtInManagedRules().get('CLOUDFRONT_VIEWER_POLICY_HTTPS');
    expect(rule && isAvailableIn(rule, 'us-east-1')).toBe(true);
    expect(rule && isAvailableIn(rule, 'eu-west-1')).toBe(false);
  });
});

describe('the shipped config/', () => {
  test('loads without a diagnostic, even with strict, and puts the CloudFront rule in us-east-1 only', async () => {
    const result = await loadRepository(REPO_ROOT, { strict: true, today: '2026-11-28' });
    expect(result.diagnostics).toEqual([]);
    const repo = result.repository;
    if (!repo) throw new Error('not loaded');
    const cloudfront = desiredConfigRules(repo.org, repo.rules).filter(
      (d) => d.properties.name === CLOUDFRONT,
    );
    expect(cloudfront.map((d) => d.region)).toEqual(['us-east-1']);
    const rule = repo.rules.find((r) => r.name === CLOUDFRONT);
    expect(rule && ruleRegionsText(rule)).toBe('us-east-1');
  });

  test('runs every rule only in regions that offer its managed rule', async () => {
    const { repository: repo } = await loadRepository(REPO_ROOT, { today: '2026-11-28' });
    if (!repo) throw new Error('not loaded');
    const catalog = builtInManagedRules();
    const misplaced = desiredConfigRules(repo.org, repo.rules).filter((d) => {
      const managed = catalog.get(d.properties.identifier);
      return managed && !isAvailableIn(managed, d.region);
    });
    expect(misplaced.map((d) => `${d.properties.name} ${d.region}`)).toEqual([]);
  });
});
