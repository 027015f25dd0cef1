import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type Diagnostic, formatDiagnostic, loadRepository } from '../../src/load/index.js';
import { ACCOUNTS_YAML, errors, loadFixture, ORG_YAML, saying, yaml } from './fixtures.js';

describe('loadRepository', () => {
  test('a valid repository yields no diagnostic and the whole model', async () => {
    const result = await loadFixture();
    expect(result.diagnostics).toEqual([]);
    expect(result.repository?.org.organizationId).toBe('o-a1b2c3d4e5');
    expect(result.repository?.accounts.map((a) => [a.id, a.extra])).toEqual([
      ['012345678901', {}],
      ['123456789012', { owner: 'team-payments' }],
    ]);
    expect(result.repository?.rules.map((r) => r.name)).toEqual([
      'security-access-keys-rotated',
      'security-s3-bucket-public-read-prohibited',
    ]);
  });

  test('one error anywhere means no repository, so nothing can be written', async () => {
    for (const files of [
      { org: ORG_YAML.replace('homeRegion: eu-west-1', 'homeRegion: eu-north-1') },
      { accounts: ACCOUNTS_YAML.replace("'123456789012'", '123456789012') },
      {
        rules: yaml`
          rules:
            - name: security-root-account-mfa-enabled
              identifier: ROOT_ACCOUNT_MFA_ENABLED
              regions: everywhere
        `,
      },
    ]) {
      const result = await loadFixture(files);
      expect(errors(result)).toHaveLength(1);
      expect(result.repository).toBeUndefined();
    }
  });

  test('errors in every file are all reported in one run, file by file', async () => {
    const result = await loadFixture({
      org: ORG_YAML.replace('o-a1b2c3d4e5', 'o-x'),
      accounts: ACCOUNTS_YAML.replace("'123456789012'", "'1234'"),
      rules: yaml`
        rules:
          - name: security-s3.public
            identifier: S3_BUCKET_PUBLIC_READ_PROHIBITED
      `,
    });
    expect(result.repository).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.file, d.field])).toEqual([
      ['config/org.yaml', 'organizationId'],
      ['config/accounts.yaml', 'accounts[1].id'],
      ['config/rules.yaml', 'rules[0].name'],
    ]);
  });

  test('a missing file is an error on that file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'org-compliance-load-'));
    try {
      await mkdir(join(root, 'config'));
      await writeFile(join(root, 'config/org.yaml'), ORG_YAML);
      await writeFile(join(root, 'config/accounts.yaml'), ACCOUNTS_YAML);
      const result = await loadRepository(root);
      expect(result.repository).toBeUndefined();
      expect(result.diagnostics).toMatchObject([
        {
          severity: 'error',
          file: 'config/rules.yaml',
          line: 1,
          column: 1,
          field: '',
          message: 'file not found',
        },
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('a rule region other than home or all says which are valid', async () => {
    const result = await loadFixture({
      rules: yaml`
        rules:
          - name: security-root-account-mfa-enabled
            identifier: ROOT_ACCOUNT_MFA_ENABLED
            regions: everywhere
      `,
    });
    expect(result.diagnostics).toMatchObject([
      {
        file: 'config/rules.yaml',
        line: 4,
        column: 14,
        field: 'rules[0].regions',
        message: saying("expected 'home' (home region only) or 'all'"),
      },
    ]);
  });
});

describe('formatDiagnostic', () => {
  test('file:line:col: severity: field: message', () => {
    const d: Diagnostic = {
      severity: 'error',
      file: 'config/rules.yaml',
      line: 7,
      column: 11,
      field: 'rules[1].name',
      message: "'networking-foo' does not start with a category prefix",
    };
    expect(formatDiagnostic(d)).toBe(
      "config/rules.yaml:7:11: error: rules[1].name: 'networking-foo' does not start with a category prefix",
    );
    expect(formatDiagnostic({ ...d, field: '', severity: 'warning', message: 'YAML syntax: x' })).toBe(
      'config/rules.yaml:7:11: warning: YAML syntax: x',
    );
  });
});
