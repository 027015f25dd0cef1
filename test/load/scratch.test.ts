import { test } from 'vitest';
import { formatDiagnostic } from '../../src/load/diagnostics.js';
import { loadFixture, yaml } from './fixtures.js';

const cases: Record<string, Parameters<typeof loadFixture>[0]> = {
  accounts: { accounts: yaml`
    accounts:
      - id: 012345678901
        nmae: log-archive
        state: ACTIVE
        ou: /Root/Security
        joined: '2023-01-10'
        owner: me
        cost-centre: 42
        note: hi
      - id: 123456789012
        name: a
        state: ACTIVE
        ou: /Root
        joined: '2023-01-10'
      - id: '12345678901'
        name: a
        state: ACTIVE
        ou: /Root
        joined: '2023-01-10'
      - id: '01234567890a'
        name: a
        state: ACTIVE
        ou: /Root
        joined: '2023-01-10'
      - id: '111111111111'
        name: a
        state: ACTIVE
        ou: /Root
        joined: '2023-01-10'
      - id: '111111111111'
        name: a
        state: ACTIVE
        ou: /Root
        joined: '2023-01-10'
  ` },
  rules: { rules: yaml`
    rules:
      - name: security-s3.public
        identifier: S3_BUCKET_PUBLIC_READ_PROHIBITTED
        excludedAccounts:
          - 012345678901
          - '999999999999'
          - '12345'
      - name: security-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        identifier: ACCESS_KEYS_ROTATED
        parameters:
          maxAccessKeyAgee: 90
      - name: networking-foo
        identifier: ALB_DESYNC_MODE_CHECK
        maximumExecutionFrequency: One_Hour
      - name: security-s3.public
        identifier: ACCESS_KEYS_ROTATED
        parameters:
          maxAccessKeyAge: ninety
      - name: security-long
        identifier: APPROVED_AMIS_BY_ID
        parameters:
          amiIds: ${'ami-0123456789abcdef0,'.repeat(50)}
  ` },
};
test('scratch', async () => {
  for (const [name, files] of Object.entries(cases)) {
    const r = await loadFixture(files);
    console.log(name, !!r.repository, '\n' + r.diagnostics.map(formatDiagnostic).join('\n'));
  }
  const r = await loadFixture({rules: yaml`
    rules:
      - name: security-s3-bucket-public-read-prohibitted
        identifier: S3_BUCKET_PUBLIC_READ_PROHIBITTED
  `}, {strict: true});
  console.log(r.diagnostics.map(formatDiagnostic).join('\n'));
  const v = await loadFixture();
  console.log(JSON.stringify(v.repository, null, 1));
});
