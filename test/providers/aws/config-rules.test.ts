import {
  DeleteOrganizationConfigRuleCommand,
  DescribeOrganizationConfigRuleStatusesCommand,
  type DescribeOrganizationConfigRuleStatusesCommandInput,
  DescribeOrganizationConfigRulesCommand,
  type DescribeOrganizationConfigRulesCommandInput,
  GetOrganizationConfigRuleDetailedStatusCommand,
  type GetOrganizationConfigRuleDetailedStatusCommandInput,
  type MemberAccountStatus,
  NoSuchOrganizationConfigRuleException,
  type OrganizationConfigRule,
  PutOrganizationConfigRuleCommand,
  ResourceInUseException,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import type { ConfigRuleProperties, DesiredResource } from '../../../src/model/resources.js';
import {
  AwsConfigRuleProvider,
  memberFailureLines,
  parseInputParameters,
  putRuleInput,
} from '../../../src/providers/aws/config-rules.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { commandNames, fakeTime, metadata, ORG, regionalClients } from './fakes.js';

const MARKER = ORG.ownership.descriptionMarker;
const REGIONS = ['eu-west-1', 'us-east-1'];
const ARN = (name: string, region = 'eu-west-1') =>
  `arn:aws:config:${region}:111111111111:organization-config-rule/${name}-a1b2c3d4`;

const { clients, config } = regionalClients(REGIONS);
const euWest = mockClient(config.get('eu-west-1') as NonNullable<ReturnType<typeof config.get>>);
const usEast = mockClient(config.get('us-east-1') as NonNullable<ReturnType<typeof config.get>>);

afterEach(() => {
  euWest.reset();
  usEast.reset();
});

function provider(options: { busyTimeoutMs?: number } = {}) {
  const time = fakeTime();
  const writes = new WriteCounter();
  const send = createSend({ retry: { sleep: time.sleep, random: () => 0 }, writes });
  const rules = new AwsConfigRuleProvider({
    clients,
    send,
    regions: REGIONS,
    descriptionMarker: MARKER,
    now: time.now,
    sleep: time.sleep,
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
  });
  return { rules, time, writes };
}

const passwordPolicy: OrganizationConfigRule = {
  OrganizationConfigRuleName: 'security-iam-password-policy',
  OrganizationConfigRuleArn: ARN('security-iam-password-policy'),
  OrganizationManagedRuleMetadata: {
    RuleIdentifier: 'IAM_PASSWORD_POLICY',
    Description: `The account password policy is strong.${MARKER}`,
    InputParameters:
      '{"RequireUppercaseCharacters":true,"MinimumPasswordLength":14,"PasswordReusePrevention":"24","Nested":{"a":1}}',
    MaximumExecutionFrequency: 'TwentyFour_Hours',
  },
  ExcludedAccounts: ['210987654321', '012345678901'],
  LastUpdateTime: new Date('2025-05-30T12:00:00Z'),
};

const bucketVersioning: OrganizationConfigRule = {
  OrganizationConfigRuleName: 'backup-s3-bucket-versioning',
  OrganizationConfigRuleArn: ARN('backup-s3-bucket-versioning'),
  OrganizationManagedRuleMetadata: {
    RuleIdentifier: 'S3_BUCKET_VERSIONING_ENABLED',
    Description: 'Created by hand in the console',
    ResourceTypesScope: ['AWS::S3::Bucket'],
    TagKeyScope: 'Environment',
    TagValueScope: 'prod',
  },
};

const lambdaRule: OrganizationConfigRule = {
  OrganizationConfigRuleName: 'security-required-tags',
  OrganizationConfigRuleArn: ARN('security-required-tags'),
  OrganizationCustomRuleMetadata: {
    LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:check-required-tags',
    OrganizationConfigRuleTriggerTypes: ['ConfigurationItemChangeNotification'],
    // Even with the marker, a custom rule is never ours.
    Description: `Tags are set.${MARKER}`,
    InputParameters: '{"tag1Key":"CostCenter"}',
  },
};

const guardRule: OrganizationConfigRule = {
  OrganizationConfigRuleName: 'security-guard-ebs',
  OrganizationConfigRuleArn: ARN('security-guard-ebs'),
  OrganizationCustomPolicyRuleMetadata: {
    Description: 'Guard policy',
    OrganizationConfigRuleTriggerTypes: ['ConfigurationItemChangeNotification'],
    ResourceTypesScope: ['AWS::EC2::Volume'],
  },
};

function failedMembers(
  status: 'CREATE_FAILED' | 'UPDATE_FAILED',
  count: number,
  first: number,
): MemberAccountStatus[] {
  return Array.from({ length: count }, (_, i) => ({
    AccountId: String(first + i).padStart(12, '0'),
    ConfigRuleName: 'OrgConfigRule-backup-s3-bucket-versioning-x7k2p9qd',
    MemberAccountRuleStatus: status,
    ErrorCode: 'NoAvailableConfigurationRecorder',
    ErrorMessage: 'No configuration recorder is available in the account.',
    LastUpdateTime: new Date('2025-06-01T00:00:00Z'),
  }));
}

function serveEuWest() {
  euWest
    .on(DescribeOrganizationConfigRulesCommand)
    .callsFake((input: DescribeOrganizationConfigRulesCommandInput) =>
      input.NextToken === undefined
        ? { OrganizationConfigRules: [passwordPolicy, bucketVersioning], NextToken: 'rules-2' }
        : { OrganizationConfigRules: [lambdaRule, guardRule] },
    );
  euWest
    .on(DescribeOrganizationConfigRuleStatusesCommand)
    .callsFake((input: DescribeOrganizationConfigRuleStatusesCommandInput) =>
      input.NextToken === undefined
        ? {
            OrganizationConfigRuleStatuses: [
              {
                OrganizationConfigRuleName: 'security-iam-password-policy',
                OrganizationRuleStatus: 'CREATE_SUCCESSFUL',
              },
              {
                OrganizationConfigRuleName: 'backup-s3-bucket-versioning',
                OrganizationRuleStatus: 'UPDATE_FAILED',
                ErrorCode: 'OrganizationConfigRuleUpdateFailed',
                ErrorMessage: 'Update failed in 23 member accounts',
              },
            ],
            NextToken: 'statuses-2',
          }
        : {
            OrganizationConfigRuleStatuses: [
              {
                OrganizationConfigRuleName: 'security-required-tags',
                OrganizationRuleStatus: 'CREATE_SUCCESSFUL',
              },
            ],
          },
    );
  // 21 CREATE_FAILED over two pages, 2 UPDATE_FAILED, no DELETE_FAILED.
  const created = failedMembers('CREATE_FAILED', 21, 123456789000);
  const updated = failedMembers('UPDATE_FAILED', 2, 223456789000);
  euWest
    .on(GetOrganizationConfigRuleDetailedStatusCommand)
    .callsFake((input: GetOrganizationConfigRuleDetailedStatusCommandInput) => {
      const status = input.Filters?.MemberAccountRuleStatus;
      if (status === 'CREATE_FAILED') {
        return input.NextToken === undefined
          ? { OrganizationConfigRuleDetailedStatus: created.slice(0, 15), NextToken: 'members-2' }
          : { OrganizationConfigRuleDetailedStatus: created.slice(15) };
      }
      if (status === 'UPDATE_FAILED') return { OrganizationConfigRuleDetailedStatus: updated };
      return { OrganizationConfigRuleDetailedStatus: [] };
    });
}

const desiredPasswordPolicy: DesiredResource<'config-rule'> = {
  kind: 'config-rule',
  key: 'config-rule/eu-west-1/security-iam-password-policy',
  region: 'eu-west-1',
  properties: {
    name: 'security-iam-password-policy',
    identifier: 'IAM_PASSWORD_POLICY',
    description: `The account password policy is strong.${MARKER}`,
    inputParameters: {},
    resourceTypesScope: [],
    excludedAccounts: [],
  },
};

describe('AwsConfigRuleProvider.read', () => {
  it('normalises every rule of every configured region into the desired shape', async () => {
    serveEuWest();
    usEast.on(DescribeOrganizationConfigRulesCommand).resolves({ OrganizationConfigRules: [] });
    const { rules } = provider();

    const current = await rules.read([desiredPasswordPolicy]);

    // us-east-1 has no desired rule but is in the configured regions: it is read too.
    expect(usEast.commandCalls(DescribeOrganizationConfigRulesCommand)).toHaveLength(1);
    expect(usEast.commandCalls(DescribeOrganizationConfigRuleStatusesCommand)).toHaveLength(0);
    expect(euWest.commandCalls(DescribeOrganizationConfigRulesCommand).map((c) => c.args[0].input)).toEqual([
      { Limit: 100 },
      { Limit: 100, NextToken: 'rules-2' },
    ]);

    expect(current.map((r) => [r.key, r.owned])).toEqual([
      ['config-rule/eu-west-1/security-iam-password-policy', true],
      ['config-rule/eu-west-1/backup-s3-bucket-versioning', false],
      ['config-rule/eu-west-1/security-required-tags', false],
      ['config-rule/eu-west-1/security-guard-ebs', false],
    ]);
    expect(current[0]).toStrictEqual({
      kind: 'config-rule',
      key: 'config-rule/eu-west-1/security-iam-password-policy',
      region: 'eu-west-1',
      owned: true,
      properties: {
        name: 'security-iam-password-policy',
        identifier: 'IAM_PASSWORD_POLICY',
        description: `The account password policy is strong.${MARKER}`,
        inputParameters: {
          RequireUppercaseCharacters: 'true',
          MinimumPasswordLength: '14',
          PasswordReusePrevention: '24',
          Nested: '{"a":1}',
        },
        maximumExecutionFrequency: 'TwentyFour_Hours',
        resourceTypesScope: [],
        excludedAccounts: ['012345678901', '210987654321'],
      },
      status: { state: 'CREATE_SUCCESSFUL', details: [] },
    });
    // Absent optional fields are left out, not set to undefined.
    expect(current[1]?.properties).toStrictEqual({
      name: 'backup-s3-bucket-versioning',
      identifier: 'S3_BUCKET_VERSIONING_ENABLED',
      description: 'Created by hand in the console',
      inputParameters: {},
      resourceTypesScope: ['AWS::S3::Bucket'],
      tagKeyScope: 'Environment',
      tagValueScope: 'prod',
      excludedAccounts: [],
    });
    expect(current[2]?.properties.identifier).toBe(
      'custom:arn:aws:lambda:eu-west-1:111111111111:function:check-required-tags',
    );
    expect(current[2]?.properties.inputParameters).toEqual({ tag1Key: 'CostCenter' });
    expect(current[3]?.properties.identifier).toBe('custom-policy');
    expect(current[3]).not.toHaveProperty('status');
  });

  it('lists up to 20 failed member accounts of a failed rule, then says how many more', async () => {
    serveEuWest();
    usEast.on(DescribeOrganizationConfigRulesCommand).resolves({ OrganizationConfigRules: [] });
    const { rules } = provider();

    const current = await rules.read([]);
    const failed = current.find((r) => r.properties.name === 'backup-s3-bucket-versioning');

    expect(failed?.status?.state).toBe('UPDATE_FAILED');
    expect(failed?.status?.message).toBe(
      'OrganizationConfigRuleUpdateFailed: Update failed in 23 member accounts',
    );
    expect(failed?.status?.details).toHaveLength(21);
    expect(failed?.status?.details[0]).toBe(
      '123456789000: CREATE_FAILED (NoAvailableConfigurationRecorder: No configuration recorder is available in the account.)',
    );
    expect(failed?.status?.details[19]).toMatch(/^123456789019: CREATE_FAILED/);
    expect(failed?.status?.details[20]).toBe('… and 3 more');
    // Only the failed rule is asked for details, once per failed member status, following NextToken.
    expect(
      euWest.commandCalls(GetOrganizationConfigRuleDetailedStatusCommand).map((c) => c.args[0].input),
    ).toEqual([
      {
        OrganizationConfigRuleName: 'backup-s3-bucket-versioning',
        Filters: { MemberAccountRuleStatus: 'CREATE_FAILED' },
        Limit: 100,
      },
      {
        OrganizationConfigRuleName: 'backup-s3-bucket-versioning',
        Filters: { MemberAccountRuleStatus: 'CREATE_FAILED' },
        Limit: 100,
        NextToken: 'members-2',
      },
      {
        OrganizationConfigRuleName: 'backup-s3-bucket-versioning',
        Filters: { MemberAccountRuleStatus: 'UPDATE_FAILED' },
        Limit: 100,
      },
      {
        OrganizationConfigRuleName: 'backup-s3-bucket-versioning',
        Filters: { MemberAccountRuleStatus: 'DELETE_FAILED' },
        Limit: 100,
      },
    ]);
    expect(
      euWest.commandCalls(DescribeOrganizationConfigRuleStatusesCommand).map((c) => c.args[0].input),
    ).toEqual([{ Limit: 100 }, { Limit: 100, NextToken: 'statuses-2' }]);
  });
});

describe('parseInputParameters and memberFailureLines', () => {
  it('parses InputParameters into strings and explains what it cannot parse', () => {
    expect(parseInputParameters(undefined, 'r', 'eu-west-1')).toEqual({});
    expect(parseInputParameters('{"maxAccessKeyAge":90,"enabled":false}', 'r', 'eu-west-1')).toEqual({
      maxAccessKeyAge: '90',
      enabled: 'false',
    });
    expect(() => parseInputParameters('["a"]', 'r', 'eu-west-1')).toThrow(
      /r in eu-west-1 has InputParameters that are not a JSON object/,
    );
    expect(() => parseInputParameters('{oops', 'r', 'eu-west-1')).toThrow(
      /r in eu-west-1 has InputParameters that are not JSON/,
    );
  });

  it('writes one line per member, without brackets when there is no reason', () => {
    expect(
      memberFailureLines([
        { AccountId: '012345678901', ConfigRuleName: 'x', MemberAccountRuleStatus: 'DELETE_FAILED' },
      ]),
    ).toEqual(['012345678901: DELETE_FAILED']);
  });
});

const fullRule: ConfigRuleProperties = {
  name: 'security-access-keys-rotated',
  identifier: 'ACCESS_KEYS_ROTATED',
  description: `IAM access keys are rotated within 90 days.${MARKER}`,
  inputParameters: { maxAccessKeyAge: '90', alsoCheckInactive: 'true' },
  maximumExecutionFrequency: 'TwentyFour_Hours',
  resourceTypesScope: ['AWS::IAM::User'],
  resourceIdScope: 'AIDAEXAMPLEUSERID123',
  tagKeyScope: 'Environment',
  tagValueScope: 'prod',
  excludedAccounts: ['210987654321', '012345678901'],
};

function change(
  action: Change['action'],
  after?: ConfigRuleProperties,
  before?: ConfigRuleProperties,
): Change<'config-rule'> {
  const name = (after ?? before)?.name ?? 'unknown';
  return {
    action,
    kind: 'config-rule',
    key: `config-rule/eu-west-1/${name}`,
    region: 'eu-west-1',
    name,
    ...(after ? { after } : {}),
    ...(before ? { before } : {}),
    diffs: [],
  };
}

describe('AwsConfigRuleProvider.apply', () => {
  it('creates a rule with every parameter sent and counts the write', async () => {
    euWest.on(PutOrganizationConfigRuleCommand).resolves({ OrganizationConfigRuleArn: ARN(fullRule.name) });
    const { rules, writes } = provider();

    await rules.apply(change('create', fullRule));

    expect(euWest.commandCalls(PutOrganizationConfigRuleCommand).map((c) => c.args[0].input)).toEqual([
      {
        OrganizationConfigRuleName: 'security-access-keys-rotated',
        OrganizationManagedRuleMetadata: {
          RuleIdentifier: 'ACCESS_KEYS_ROTATED',
          Description: `IAM access keys are rotated within 90 days.${MARKER}`,
          InputParameters: '{"alsoCheckInactive":"true","maxAccessKeyAge":"90"}',
          MaximumExecutionFrequency: 'TwentyFour_Hours',
          ResourceTypesScope: ['AWS::IAM::User'],
          ResourceIdScope: 'AIDAEXAMPLEUSERID123',
          TagKeyScope: 'Environment',
          TagValueScope: 'prod',
        },
        ExcludedAccounts: ['012345678901', '210987654321'],
      },
    ]);
    expect(usEast.calls()).toHaveLength(0);
    expect(writes.total).toBe(1);
  });

  it('sends an empty ExcludedAccounts on update so a removed exclusion is removed, and omits empty parameters', async () => {
    euWest.on(PutOrganizationConfigRuleCommand).resolves({});
    const { rules } = provider();
    const bare: ConfigRuleProperties = {
      name: 'security-root-account-mfa-enabled',
      identifier: 'ROOT_ACCOUNT_MFA_ENABLED',
      description: `The root user has MFA.${MARKER}`,
      inputParameters: {},
      resourceTypesScope: [],
      excludedAccounts: [],
    };

    await rules.apply(change('update', bare, { ...bare, excludedAccounts: ['012345678901'] }));

    expect(euWest.commandCalls(PutOrganizationConfigRuleCommand)[0]?.args[0].input).toStrictEqual({
      OrganizationConfigRuleName: 'security-root-account-mfa-enabled',
      OrganizationManagedRuleMetadata: {
        RuleIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED',
        Description: `The root user has MFA.${MARKER}`,
      },
      ExcludedAccounts: [],
    });
    expect(putRuleInput(bare, MARKER, 'create')).not.toHaveProperty('ExcludedAccounts');
  });

  it('waits while the rule is UPDATE_IN_PROGRESS after ResourceInUseException, then writes again', async () => {
    euWest
      .on(PutOrganizationConfigRuleCommand)
      .rejectsOnce(
        new ResourceInUseException({
          message: 'The rule is currently being updated. Try again later.',
          $metadata: metadata(400),
        }),
      )
      .resolvesOnce({ OrganizationConfigRuleArn: ARN(fullRule.name) });
    const statusOf = (state: 'UPDATE_IN_PROGRESS' | 'UPDATE_SUCCESSFUL') => ({
      OrganizationConfigRuleStatuses: [
        { OrganizationConfigRuleName: fullRule.name, OrganizationRuleStatus: state },
      ],
    });
    euWest
      .on(DescribeOrganizationConfigRuleStatusesCommand)
      .resolvesOnce(statusOf('UPDATE_IN_PROGRESS'))
      .resolvesOnce(statusOf('UPDATE_IN_PROGRESS'))
      .resolvesOnce(statusOf('UPDATE_SUCCESSFUL'));
    const { rules, time, writes } = provider();

    await rules.apply(change('update', fullRule));

    expect(commandNames(euWest.calls())).toEqual([
      'PutOrganizationConfigRule',
      'DescribeOrganizationConfigRuleStatuses',
      'DescribeOrganizationConfigRuleStatuses',
      'DescribeOrganizationConfigRuleStatuses',
      'PutOrganizationConfigRule',
    ]);
    expect(euWest.commandCalls(DescribeOrganizationConfigRuleStatusesCommand)[0]?.args[0].input).toEqual({
      OrganizationConfigRuleNames: ['security-access-keys-rotated'],
      Limit: 100,
    });
    expect(time.sleeps).toEqual([15_000, 15_000]);
    expect(writes.total).toBe(2);
  });

  it('gives up when the rule stays busy past the bound, naming rule, region, status and the wait', async () => {
    euWest.on(PutOrganizationConfigRuleCommand).rejects(
      new ResourceInUseException({
        message: 'The rule is currently being updated.',
        $metadata: metadata(400),
      }),
    );
    euWest.on(DescribeOrganizationConfigRuleStatusesCommand).resolves({
      OrganizationConfigRuleStatuses: [
        { OrganizationConfigRuleName: fullRule.name, OrganizationRuleStatus: 'UPDATE_IN_PROGRESS' },
      ],
    });
    const { rules, time } = provider({ busyTimeoutMs: 60_000 });

    await expect(rules.apply(change('update', fullRule))).rejects.toThrow(
      'Organization Config Rule security-access-keys-rotated in eu-west-1 is still busy (last status UPDATE_IN_PROGRESS) ' +
        'after waiting 1m 0s (limit 1m 0s)',
    );
    expect(euWest.commandCalls(PutOrganizationConfigRuleCommand)).toHaveLength(1);
    expect(time.elapsed()).toBe(60_000);
    expect(euWest.commandCalls(DescribeOrganizationConfigRuleStatusesCommand)).toHaveLength(5);
  });

  it('deletes a rule, and treats one already gone as deleted', async () => {
    euWest
      .on(DeleteOrganizationConfigRuleCommand)
      .resolvesOnce({})
      .rejectsOnce(
        new NoSuchOrganizationConfigRuleException({
          message: 'The organization config rule does not exist.',
          $metadata: metadata(400),
        }),
      );
    const { rules, writes } = provider();

    await rules.apply(change('delete', undefined, fullRule));
    await rules.apply(change('delete', undefined, fullRule));

    expect(euWest.commandCalls(DeleteOrganizationConfigRuleCommand).map((c) => c.args[0].input)).toEqual([
      { OrganizationConfigRuleName: 'security-access-keys-rotated' },
      { OrganizationConfigRuleName: 'security-access-keys-rotated' },
    ]);
    expect(writes.total).toBe(2);
  });

  it('makes no call for a no-op and refuses writes that would lose ownership or touch custom rules', async () => {
    const { rules, writes } = provider();
    await rules.apply(change('no-op', fullRule, fullRule));
    await expect(rules.apply(change('update', { ...fullRule, description: 'No marker' }))).rejects.toThrow(
      /description does not end with the ownership marker ' \[managed by org-compliance\]'/,
    );
    await expect(
      rules.apply(
        change('create', {
          ...fullRule,
          identifier: 'custom:arn:aws:lambda:eu-west-1:111111111111:function:x',
        }),
      ),
    ).rejects.toThrow(/manages only AWS managed rules/);
    expect(euWest.calls()).toHaveLength(0);
    expect(writes.total).toBe(0);
  });

  it('rethrows other errors with context and without waiting', async () => {
    euWest.on(PutOrganizationConfigRuleCommand).rejects(
      Object.assign(new Error('The specified rule identifier is invalid.'), {
        name: 'InvalidParameterValueException',
        $metadata: metadata(400),
      }),
    );
    const { rules, time } = provider();

    await expect(rules.apply(change('create', fullRule))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message:
        'Could not create Organization Config Rule security-access-keys-rotated (PutOrganizationConfigRule in eu-west-1): ' +
        'The specified rule identifier is invalid.',
    });
    expect(time.sleeps).toEqual([]);
  });
});
