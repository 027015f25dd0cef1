/**
 * Severity, Security Hub controls, frameworks, remediation and documentation links of managed
 * rules (src/load/data/managed-rules-controls.json and managed-rules-remediation.json), the
 * catalog's overrides, and the reference tables built from them.
 */
import { describe, expect, test } from 'vitest';
import { catalogRulesTable, ruleControlsTable } from '../../src/desired/reference-data.js';
import controlData from '../../src/load/data/managed-rules-controls.json' with { type: 'json' };
import remediationData from '../../src/load/data/managed-rules-remediation.json' with { type: 'json' };
import { loadRepository } from '../../src/load/index.js';
import { catalogRuleFacts, managedRuleFacts, mappedManagedRuleCount } from '../../src/load/managed-rules.js';
import { RULES_FILE } from '../../src/load/rules.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { loadFixture, saying, yaml } from './fixtures.js';

const TODAY = '2026-11-28';

describe('managed-rule facts from the Security Hub controls reference', () => {
  test('200 controls backed by 192 managed rules, each rule known to the managed-rule data', () => {
    expect(controlData.controls.length).toBe(200);
    expect(mappedManagedRuleCount()).toBe(192);
    expect(controlData.source).toContain('bda5bf7ddbdf498557b2ac6a538577528004e6d5');
  });

  test('S3.8 is backed by S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED, severity high, in FSBP and CIS v1.4.0 2.1.5', () => {
    const facts = managedRuleFacts('S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED');
    expect(facts.severity).toBe('high');
    expect(facts.securityHubControls).toEqual([{ id: 'S3.8', severity: 'high' }]);
    expect(facts.frameworks.filter((f) => f.framework !== 'nist-800-53')).toEqual([
      { framework: 'cis-aws-foundations', control: 'v1.4.0/2.1.5' },
      { framework: 'aws-fsbp', control: 'S3.8' },
    ]);
    expect(facts.frameworks.filter((f) => f.framework === 'nist-800-53')).toHaveLength(14);
    expect(facts.documentationUrl).toBe(
      'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html',
    );
    expect(facts.remediation).toBe(remediationData.rules.S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED);
  });

  test('a rule behind several controls takes the highest severity; each framework control once', () => {
    // IAM.7 and IAM.10 to IAM.15 are medium, IAM.16 and IAM.17 low.
    const facts = managedRuleFacts('IAM_PASSWORD_POLICY');
    expect(facts.securityHubControls.map((c) => c.id)).toEqual([
      'IAM.7',
      'IAM.10',
      'IAM.11',
      'IAM.12',
      'IAM.13',
      'IAM.14',
      'IAM.15',
      'IAM.16',
      'IAM.17',
    ]);
    expect(facts.severity).toBe('medium');
    const keys = facts.frameworks.map((f) => `${f.framework} ${f.control}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('a rule behind no control is unrated; an unknown identifier has no link or remediation', () => {
    const unmapped = managedRuleFacts('DYNAMODB_THROUGHPUT_LIMIT_CHECK');
    expect(unmapped.severity).toBe('unrated');
    expect(unmapped.securityHubControls).toEqual([]);
    expect(unmapped.frameworks).toEqual([]);
    expect(unmapped.documentationUrl).toBe(
      'https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-throughput-limit-check.html',
    );
    expect(managedRuleFacts('NOT_A_RULE')).toEqual({
      severity: 'unrated',
      securityHubControls: [],
      frameworks: [],
    });
  });

  test('the shipped catalog: every rule has a remediation; 58 of 68 map to a control', async () => {
    const loaded = await loadRepository(REPO_ROOT, { today: TODAY, quicksight: false });
    const rules = loaded.repository?.rules ?? [];
    expect(rules.length).toBe(68);
    expect(rules.filter((r) => catalogRuleFacts(r).remediation === undefined)).toEqual([]);
    expect(rules.filter((r) => catalogRuleFacts(r).securityHubControls.length > 0).length).toBe(58);
    expect(Object.keys(remediationData.rules).sort()).toEqual(rules.map((r) => r.identifier).sort());
  });
});

describe('config/rules.yaml: severity and remediation overrides', () => {
  test('a rule may set its own severity and remediation; they win over the shipped facts', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3-bucket-level-public-access-prohibited
            identifier: S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED
            severity: critical
            remediation: Ask the data platform team; buckets are created by their pipeline.
          - name: cost-dynamodb-throughput-limit-check
            identifier: DYNAMODB_THROUGHPUT_LIMIT_CHECK
      `,
    });
    const [s3, dynamo] = result.repository?.rules ?? [];
    expect(s3?.severity).toBe('critical');
    expect(dynamo && 'severity' in dynamo).toBe(false);
    const table = catalogRulesTable(result.repository?.rules ?? []);
    const names = table.columns.map(([c]) => c);
    const mine = ['rule', 'severity', 'remediation', 'documentation_url', 'security_hub_controls'];
    expect(mine.every((c) => names.includes(c))).toBe(true);
    expect(table.rows.map((row) => mine.map((c) => row[names.indexOf(c)]))).toEqual([
      [
        'security-s3-bucket-level-public-access-prohibited',
        'critical',
        'Ask the data platform team; buckets are created by their pipeline.',
        'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html',
        'S3.8',
      ],
      [
        'cost-dynamodb-throughput-limit-check',
        'unrated',
        remediationData.rules.DYNAMODB_THROUGHPUT_LIMIT_CHECK,
        'https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-throughput-limit-check.html',
        null,
      ],
    ]);
    const controls = ruleControlsTable(result.repository?.rules ?? []);
    expect(controls.view).toBe('rule_controls');
    expect(controls.table).toBe('ref_rule_controls');
    expect(controls.rows.length).toBe(16); // 14 NIST 800-53, 1 CIS, 1 FSBP; none for the DynamoDB rule
    expect(controls.rows.filter((r) => r[1] !== 'nist-800-53')).toEqual([
      ['security-s3-bucket-level-public-access-prohibited', 'cis-aws-foundations', 'v1.4.0/2.1.5'],
      ['security-s3-bucket-level-public-access-prohibited', 'aws-fsbp', 'S3.8'],
    ]);
  });

  test('a severity that is not one of the six is refused at its line and column', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3-bucket-level-public-access-prohibited
            identifier: S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED
            severity: severe
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: 'error',
        file: RULES_FILE,
        line: 4,
        column: 15,
        field: 'rules[0].severity',
        message: saying("'severe' is not a severity", 'critical, high, medium, low, informational, unrated'),
      },
    ]);
  });

  test('an empty remediation is refused', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-s3-bucket-level-public-access-prohibited
            identifier: S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED
            remediation: ''
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      { severity: 'error', file: RULES_FILE, line: 4, field: 'rules[0].remediation' },
    ]);
  });
});
