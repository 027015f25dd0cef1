import {
  DescribeOrganizationConfigRulesCommand,
  PutOrganizationConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { DescribeOrganizationCommand, ListRootsCommand } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { fakeTime, ORG, regionalClients } from './fakes.js';

const { clients, organizations, config, glue } = regionalClients(ORG.regions);
const orgMock = mockClient(organizations);
const configMocks = new Map([...config].map(([region, client]) => [region, mockClient(client)]));
const glueMocks = new Map([...glue].map(([region, client]) => [region, mockClient(client)]));

afterEach(() => {
  for (const mock of [orgMock, ...configMocks.values(), ...glueMocks.values()]) mock.reset();
});

describe('createAwsTarget', () => {
  it("calls Organizations in the home region's partition: us-east-1, us-gov-west-1 or cn-northwest-1", async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    orgMock.on(DescribeOrganizationCommand).rejects(denied);
    orgMock.on(ListRootsCommand).rejects(denied);
    for (const [home, region] of [
      ['eu-west-1', 'us-east-1'],
      ['us-gov-east-1', 'us-gov-west-1'],
      ['cn-north-1', 'cn-northwest-1'],
    ]) {
      const org = { ...ORG, regions: [home as string], homeRegion: home as string };
      const target = createAwsTarget(org, { clients, sleep: async () => {}, maxAttempts: 1 });
      // Whichever of the first two calls fails first names the region.
      await expect(target.organization.readOrganization()).rejects.toThrow(
        new RegExp(`\\((DescribeOrganization|ListRoots) in ${region}\\): not allowed`),
      );
    }
  });

  it('wires the organization source and both providers over the injected clients and counts writes', async () => {
    const time = fakeTime();
    const target = createAwsTarget(ORG, { clients, sleep: time.sleep, now: time.now, random: () => 0 });
    expect(target.name).toBe('aws');
    expect(target.providers['config-rule'].kind).toBe('config-rule');
    expect(target.providers['glue-table'].kind).toBe('glue-table');

    orgMock.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-a1b2c3d4e5' } });
    orgMock.on(ListRootsCommand).resolves({ Roots: [] });
    await expect(target.organization.readOrganization()).rejects.toThrow(/ListRoots returned no root/);

    for (const mock of configMocks.values()) {
      mock.on(DescribeOrganizationConfigRulesCommand).resolves({ OrganizationConfigRules: [] });
    }
    expect(await target.providers['config-rule'].read([])).toEqual([]);
    // Every configured region was read once.
    for (const mock of configMocks.values()) {
      expect(mock.commandCalls(DescribeOrganizationConfigRulesCommand)).toHaveLength(1);
    }

    glueMocks
      .get('eu-west-1')
      ?.on(GetTableCommand)
      .rejects(Object.assign(new Error('Table not found'), { name: 'EntityNotFoundException' }));
    expect(await target.providers['glue-table'].read([])).toEqual([]);

    configMocks.get('eu-west-1')?.on(PutOrganizationConfigRuleCommand).resolves({});
    await target.providers['config-rule'].apply({
      action: 'create',
      kind: 'config-rule',
      key: 'config-rule/eu-west-1/security-root-account-mfa-enabled',
      region: 'eu-west-1',
      name: 'security-root-account-mfa-enabled',
      after: {
        name: 'security-root-account-mfa-enabled',
        identifier: 'ROOT_ACCOUNT_MFA_ENABLED',
        description: `The root user has MFA.${ORG.ownership.descriptionMarker}`,
        inputParameters: {},
        maximumExecutionFrequency: 'TwentyFour_Hours',
        resourceTypesScope: [],
        excludedAccounts: [],
      },
      diffs: [],
    });
    expect(target.writeCount()).toBe(1);
    expect(target.writesByOperation()).toEqual({ PutOrganizationConfigRule: 1 });
  });
});
