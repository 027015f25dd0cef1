/**
 * Which changes of a plan the impact measures, read from the plan alone (pure): the plan of the
 * repository against what an earlier version of it deployed.
 */
import { describe, expect, it } from 'vitest';
import { desiredResources } from '../../src/desired/index.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository, RuleSpec } from '../../src/model/config.js';
import type { CurrentResource } from '../../src/model/resources.js';
import { ruleReaches } from '../../src/plan/impact.js';
import { hasImpactChanges, impactChanges, needsData } from '../../src/plan/impact-changes.js';
import { plan } from '../../src/plan/plan.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = '2026-11-28';

async function repository(): Promise<Repository> {
  const { repository, diagnostics } = await loadRepository(REPO_ROOT, { today: TODAY });
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { ...repository, quicksight: [] };
}

/** The plan of `next` over what `deployed` put in place. */
function planOver(deployed: Repository, next: Repository) {
  const current = desiredResources(deployed, TODAY).map((d) => ({ ...d, owned: true }) as CurrentResource);
  return plan(desiredResources(next, TODAY), current);
}

const rule = (repo: Repository, name: string) => repo.rules.find((r) => r.name === name) as RuleSpec;

describe('the changes a plan’s impact measures', () => {
  it('none for the repository over itself, nor for a reworded rule', async () => {
    const repo = await repository();
    expect(hasImpactChanges(impactChanges(planOver(repo, repo), repo))).toBe(false);
    const next = structuredClone(repo);
    (next.rules[0] as RuleSpec).description = 'Reworded. [managed by org-compliance]';
    const p = planOver(repo, next);
    expect(p.hasChanges).toBe(true);
    expect(hasImpactChanges(impactChanges(p, next))).toBe(false);
  });

  it('exceptions new, changed and removed; a rule removed and one added; excludedAccounts added and removed; another tag', async () => {
    const deployed = await repository();
    const [first, second] = deployed.exceptions;
    if (!first || !second) throw new Error('config/exceptions.yaml needs two exceptions');
    const [a, b, c] = deployed.accounts.filter((x) => x.state === 'ACTIVE').map((x) => x.id);
    rule(deployed, 'security-s3-bucket-ssl-requests-only').excludedAccounts = [a as string];
    const next = structuredClone(deployed);
    next.exceptions = next.exceptions.filter((e) => e.id !== second.id);
    (next.exceptions[0] as (typeof next.exceptions)[number]).resourceId = 'only-this-one';
    next.exceptions.push({ ...structuredClone(first), id: 'zz-new-one' });
    next.rules = next.rules.filter((r) => r.name !== 'backup-db-instance-backup-enabled');
    rule(next, 'security-s3-bucket-ssl-requests-only').excludedAccounts = [b as string, c as string].sort();
    const { maximumExecutionFrequency: _periodic, ...root } = structuredClone(
      rule(next, 'security-root-account-mfa-enabled'),
    );
    next.rules.push({
      ...root,
      name: 'security-sns-encrypted-kms',
      identifier: 'SNS_ENCRYPTED_KMS',
      regions: 'all',
    });
    next.org.compliance.excludeTag = { key: 'Environment', value: 'sandbox' };

    const changes = impactChanges(planOver(deployed, next), next);
    expect(changes).toEqual({
      exceptions: [
        { id: first.id, change: 'changed' },
        { id: second.id, change: 'removed' },
        { id: 'zz-new-one', change: 'new' },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
      tag: { key: 'Environment', value: 'sandbox' },
      removedRules: ['backup-db-instance-backup-enabled'],
      newRules: ['security-sns-encrypted-kms'],
      excludedAccounts: [
        { rule: 'security-s3-bucket-ssl-requests-only', added: [b, c].sort(), removed: [a] },
      ],
    });
    expect(needsData(changes)).toBe(true);

    const reaches = ruleReaches(changes, next);
    expect(reaches.returning).toEqual([
      {
        rule: 'security-s3-bucket-ssl-requests-only',
        identifier: 'S3_BUCKET_SSL_REQUESTS_ONLY',
        accounts: [a],
        regions: next.org.regions,
        resourceTypes: ['AWS::S3::Bucket'],
      },
    ]);
    expect(reaches.newRules.map((r) => [r.rule, r.accounts.length, r.regions, r.resourceTypes])).toEqual([
      [
        'security-sns-encrypted-kms',
        next.accounts.filter((x) => x.state === 'ACTIVE').length,
        next.org.regions,
        ['AWS::SNS::Topic'],
      ],
    ]);
  });

  it('a new rule alone needs no data; the tag taken away is a change to no tag', async () => {
    const deployed = await repository();
    const next = structuredClone(deployed);
    next.rules.push({
      ...structuredClone(rule(next, 'security-s3-bucket-ssl-requests-only')),
      name: 'security-s3-copy',
    });
    const changes = impactChanges(planOver(deployed, next), next);
    expect(changes.newRules).toEqual(['security-s3-copy']);
    expect(needsData(changes)).toBe(false);
    expect(hasImpactChanges(changes)).toBe(true);

    const untagged = structuredClone(deployed);
    delete untagged.org.compliance.excludeTag;
    expect(impactChanges(planOver(deployed, untagged), untagged).tag).toBeNull();
  });
});
