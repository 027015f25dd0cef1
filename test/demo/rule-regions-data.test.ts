/**
 * The generated snapshots follow a rule's region list: a rule deployed to some regions only is
 * evaluated there and nowhere else, as AWS Config would, though its resources exist everywhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { loadRepository } from '../../src/load/index.js';
import { evaluationsOf, readSnapshots } from '../helpers/expected.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = '2026-11-30';

describe('snapshots of a rule with a region list', () => {
  it('security-encrypted-volumes with regions [eu-central-1] is evaluated there only; the CloudFront rule in us-east-1 only', async () => {
    const loaded = await loadRepository(REPO_ROOT, { today: TODAY });
    if (!loaded.repository) throw new Error('the shipped repository does not load');
    const repo = loaded.repository;
    expect(repo.org.regions).toContain('us-east-1');
    const s3Dir = await mkdtemp(join(tmpdir(), 'org-compliance-rule-regions-'));
    try {
      const organization = syntheticOrganization({
        organizationId: repo.org.organizationId,
        accounts: 8,
        ous: 4,
        seed: 31,
        until: TODAY,
      });
      // The repository's accounts.yaml names other accounts: these are the generated ones.
      const projected = new Set(organization.accounts.map((a) => a.id));
      // EBS volumes are in every region; the rule is deployed to one.
      const rules = repo.rules.map((r) =>
        r.name === 'security-encrypted-volumes' ? { ...r, regions: ['eu-central-1'] } : r,
      );
      await writeSnapshots({ org: repo.org, organization, rules, days: 2, until: TODAY, seed: 31, s3Dir });
      const withList = { ...repo, rules };
      const evaluations = (await readSnapshots(s3Dir, withList, projected)).flatMap((f) =>
        evaluationsOf(f, withList),
      );
      const regionsOf = (rule: string) =>
        [...new Set(evaluations.filter((e) => e.rule === rule).map((e) => e.region))].sort();
      expect(regionsOf('security-encrypted-volumes')).toEqual(['eu-central-1']);
      expect(regionsOf('security-cloudfront-viewer-policy-https')).toEqual(['us-east-1']);
      // A rule without a list runs in every configured region.
      expect(regionsOf('security-ec2-ebs-encryption-by-default')).toEqual([...repo.org.regions].sort());
    } finally {
      await rm(s3Dir, { recursive: true, force: true });
    }
  });
});
