import {
  CreateDashboardCommand,
  DescribeDashboardCommand,
  DescribeDashboardDefinitionCommand,
  DescribeDashboardPermissionsCommand,
  ListDashboardsCommand,
  ListTagsForResourceCommand,
  UpdateDashboardCommand,
  UpdateDashboardPermissionsCommand,
  UpdateDashboardPublishedVersionCommand,
} from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import type { QuickSightProperties } from '../../../src/model/quicksight.js';
import { AwsQuickSightDashboardProvider } from '../../../src/providers/aws/quicksight/dashboards.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { normalizeBody } from '../../../src/quicksight/normalize.js';
import { permissionsFor } from '../../../src/quicksight/permissions.js';
import { commandNames, fakeTime, ORG, regionalClients } from './fakes.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DASHBOARD = 'org-compliance';
const ARN = `arn:aws:quicksight:${REGION}:${ACCOUNT}:dashboard/${DASHBOARD}`;
const versionArn = (n: number) => `${ARN}/version/${n}`;
const ADMINS = `arn:aws:quicksight:${REGION}:${ACCOUNT}:group/default/compliance-admins`;
const READERS = `arn:aws:quicksight:${REGION}:${ACCOUNT}:group/default/everyone`;
const OWNED_TAGS = [{ Key: 'managed-by', Value: 'org-compliance' }];

const { clients, quicksight } = regionalClients([REGION]);
const qs = mockClient(quicksight.get(REGION) as NonNullable<ReturnType<typeof quicksight.get>>);

afterEach(() => {
  qs.reset();
});

function provider() {
  const time = fakeTime();
  const writes = new WriteCounter();
  const send = createSend({ retry: { sleep: time.sleep, random: () => 0 }, writes });
  const dashboards = new AwsQuickSightDashboardProvider({
    clients,
    send,
    accountId: ACCOUNT,
    region: REGION,
    ownership: { tagKey: ORG.ownership.tagKey, tagValue: ORG.ownership.tagValue },
    now: time.now,
    sleep: time.sleep,
    pollMs: 3_000,
    timeoutMs: 60_000,
  });
  return { dashboards, time, writes };
}

function definition(title = 'Which account to fix next') {
  return {
    DataSetIdentifierDeclarations: [
      {
        Identifier: 'accounts',
        DataSetArn: `arn:aws:quicksight:${REGION}:${ACCOUNT}:dataset/org-compliance-accounts`,
      },
    ],
    Sheets: [
      {
        SheetId: 'accounts',
        Name: 'Accounts',
        Visuals: [
          { TableVisual: { VisualId: 'accounts-by-score', Title: { FormatText: { PlainText: title } } } },
        ],
      },
    ],
  };
}

function properties(title?: string): QuickSightProperties {
  return {
    id: DASHBOARD,
    name: 'Organization compliance',
    body: normalizeBody('quicksight-dashboard', {
      DashboardId: DASHBOARD,
      Name: 'Organization compliance',
      Definition: definition(title),
      DashboardPublishOptions: { SheetControlsOption: { VisibilityState: 'EXPANDED' } },
    }),
    permissions: permissionsFor('quicksight-dashboard', { owners: [ADMINS], viewers: [READERS] }),
  };
}

function change(
  action: Change['action'],
  after?: QuickSightProperties,
  before?: QuickSightProperties,
): Change<'quicksight-dashboard'> {
  return {
    action,
    kind: 'quicksight-dashboard',
    key: `quicksight-dashboard/${REGION}/${DASHBOARD}`,
    region: REGION,
    name: 'Organization compliance',
    diffs: [],
    ...(after ? { after } : {}),
    ...(before ? { before } : {}),
  };
}

function currentPermissions() {
  return properties().permissions.map((p) => ({ Principal: p.principal, Actions: p.actions }));
}

describe('AwsQuickSightDashboardProvider.apply update', () => {
  it('makes a new version, waits for it, and publishes it only once it SUCCEEDED', async () => {
    const { dashboards, time, writes } = provider();
    qs.on(ListTagsForResourceCommand, { ResourceArn: ARN }).resolves({ Tags: OWNED_TAGS });
    qs.on(UpdateDashboardCommand).resolves({
      DashboardId: DASHBOARD,
      VersionArn: versionArn(4),
      CreationStatus: 'CREATION_IN_PROGRESS',
    });
    qs.on(DescribeDashboardCommand, { VersionNumber: 4 })
      .resolvesOnce({
        Dashboard: { DashboardId: DASHBOARD, Version: { VersionNumber: 4, Status: 'CREATION_IN_PROGRESS' } },
      })
      .resolves({
        Dashboard: { DashboardId: DASHBOARD, Version: { VersionNumber: 4, Status: 'CREATION_SUCCESSFUL' } },
      });
    qs.on(UpdateDashboardPublishedVersionCommand).resolves({ DashboardId: DASHBOARD });
    qs.on(DescribeDashboardPermissionsCommand).resolves({ Permissions: currentPermissions() });

    await dashboards.apply(change('update', properties('Accounts to fix first'), properties()));

    expect(commandNames(qs.calls())).toEqual([
      'ListTagsForResource',
      'UpdateDashboard',
      'DescribeDashboard',
      'DescribeDashboard',
      'UpdateDashboardPublishedVersion',
      'DescribeDashboardPermissions',
    ]);
    expect(qs.commandCalls(UpdateDashboardCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      DashboardId: DASHBOARD,
      Name: 'Organization compliance',
      Definition: properties('Accounts to fix first').body.Definition,
      DashboardPublishOptions: { SheetControlsOption: { VisibilityState: 'EXPANDED' } },
      ValidationStrategy: { Mode: 'STRICT' },
    });
    expect(qs.commandCalls(DescribeDashboardCommand).map((c) => c.args[0].input)).toEqual([
      { AwsAccountId: ACCOUNT, DashboardId: DASHBOARD, VersionNumber: 4 },
      { AwsAccountId: ACCOUNT, DashboardId: DASHBOARD, VersionNumber: 4 },
    ]);
    expect(qs.commandCalls(UpdateDashboardPublishedVersionCommand).map((c) => c.args[0].input)).toEqual([
      { AwsAccountId: ACCOUNT, DashboardId: DASHBOARD, VersionNumber: 4 },
    ]);
    expect(time.sleeps).toEqual([3_000]);
    expect(writes.byOperation()).toEqual({ UpdateDashboard: 1, UpdateDashboardPublishedVersion: 1 });
  });

  it('does not publish a version that failed, and says which visuals its errors concern', async () => {
    const { dashboards, writes } = provider();
    qs.on(ListTagsForResourceCommand, { ResourceArn: ARN }).resolves({ Tags: OWNED_TAGS });
    qs.on(UpdateDashboardCommand).resolves({ DashboardId: DASHBOARD, VersionArn: versionArn(5) });
    qs.on(DescribeDashboardCommand, { VersionNumber: 5 }).resolves({
      Dashboard: {
        DashboardId: DASHBOARD,
        Version: {
          VersionNumber: 5,
          Status: 'CREATION_FAILED',
          Errors: [
            {
              Type: 'COLUMN_TYPE_MISMATCH',
              Message: "Column 'score' has type STRING; the table needs a number",
              ViolatedEntities: [{ Path: 'sheet/accounts/visual/accounts-by-score' }],
            },
          ],
        },
      },
    });

    const failure = await dashboards
      .apply(change('update', properties('New title'), properties()))
      .catch((e: Error) => e);

    expect((failure as Error).message).toBe(
      [
        `Could not update QuickSight dashboard ${DASHBOARD} (${REGION}): version 5 ended CREATION_FAILED with 1 error:`,
        `  - COLUMN_TYPE_MISMATCH: Column 'score' has type STRING; the table needs a number, at sheet "Accounts", visual "accounts-by-score" (TableVisual) [sheet/accounts/visual/accounts-by-score]`,
        'The version was not published; viewers still see the previous one.',
      ].join('\n'),
    );
    expect(qs.commandCalls(UpdateDashboardPublishedVersionCommand)).toHaveLength(0);
    expect(qs.commandCalls(DescribeDashboardPermissionsCommand)).toHaveLength(0);
    expect(writes.byOperation()).toEqual({ UpdateDashboard: 1 });
  });

  it('reads the errors from DescribeDashboardDefinition when the version carries none', async () => {
    const { dashboards } = provider();
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    qs.on(UpdateDashboardCommand).resolves({ DashboardId: DASHBOARD, VersionArn: versionArn(6) });
    qs.on(DescribeDashboardCommand).resolves({
      Dashboard: { DashboardId: DASHBOARD, Version: { VersionNumber: 6, Status: 'UPDATE_FAILED' } },
    });
    qs.on(DescribeDashboardDefinitionCommand, { VersionNumber: 6 }).resolves({
      Errors: [{ Type: 'ACCESS_DENIED', Message: 'No access to data set accounts' }],
    });

    await expect(dashboards.apply(change('update', properties('x'), properties()))).rejects.toThrow(
      'version 6 ended UPDATE_FAILED with 1 error:\n  - ACCESS_DENIED: No access to data set accounts',
    );
    expect(qs.commandCalls(UpdateDashboardPublishedVersionCommand)).toHaveLength(0);
  });

  it('refuses to publish when QuickSight does not say which version it made', async () => {
    const { dashboards } = provider();
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    qs.on(UpdateDashboardCommand).resolves({ DashboardId: DASHBOARD });

    await expect(dashboards.apply(change('update', properties('x'), properties()))).rejects.toThrow(
      /did not say which version .* nothing was published/,
    );
    expect(qs.commandCalls(UpdateDashboardPublishedVersionCommand)).toHaveLength(0);
  });
});

describe('AwsQuickSightDashboardProvider.apply create', () => {
  it('creates with the ownership tag, owner and viewer permissions, and publishes version 1 once built', async () => {
    const { dashboards, writes } = provider();
    qs.on(CreateDashboardCommand).resolves({ DashboardId: DASHBOARD, VersionArn: versionArn(1) });
    qs.on(DescribeDashboardCommand).resolves({
      Dashboard: { DashboardId: DASHBOARD, Version: { VersionNumber: 1, Status: 'CREATION_SUCCESSFUL' } },
    });
    qs.on(UpdateDashboardPublishedVersionCommand).resolves({});

    await dashboards.apply(change('create', properties()));

    const input = qs.commandCalls(CreateDashboardCommand)[0]?.args[0].input;
    expect(input?.Tags).toEqual(OWNED_TAGS);
    expect(input?.ValidationStrategy).toEqual({ Mode: 'STRICT' });
    expect(input?.Permissions).toEqual([
      {
        Principal: ADMINS,
        Actions: [
          'quicksight:DeleteDashboard',
          'quicksight:DescribeDashboard',
          'quicksight:DescribeDashboardPermissions',
          'quicksight:ListDashboardVersions',
          'quicksight:QueryDashboard',
          'quicksight:UpdateDashboard',
          'quicksight:UpdateDashboardPermissions',
          'quicksight:UpdateDashboardPublishedVersion',
        ],
      },
      {
        Principal: READERS,
        Actions: [
          'quicksight:DescribeDashboard',
          'quicksight:ListDashboardVersions',
          'quicksight:QueryDashboard',
        ],
      },
    ]);
    expect(qs.commandCalls(UpdateDashboardPublishedVersionCommand)[0]?.args[0].input.VersionNumber).toBe(1);
    expect(writes.byOperation()).toEqual({ CreateDashboard: 1, UpdateDashboardPublishedVersion: 1 });
  });
});

describe('AwsQuickSightDashboardProvider.read', () => {
  it('compares the published version, with AWS’s publish-option defaults and visual defaults normalised away', async () => {
    const { dashboards } = provider();
    qs.on(ListDashboardsCommand).resolves({
      DashboardSummaryList: [{ DashboardId: DASHBOARD, Arn: ARN, PublishedVersionNumber: 3 }],
    });
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    const described = definition();
    qs.on(DescribeDashboardDefinitionCommand).resolves({
      DashboardId: DASHBOARD,
      Name: 'Organization compliance',
      ResourceStatus: 'CREATION_SUCCESSFUL',
      Definition: {
        ...described,
        Sheets: described.Sheets.map((s) => ({
          ...s,
          ContentType: 'INTERACTIVE',
          Visuals: s.Visuals.map((v) => ({
            TableVisual: { ...v.TableVisual, Actions: [], Subtitle: { Visibility: 'VISIBLE' } },
          })),
        })),
        Options: { WeekStart: 'SUNDAY' },
      } as never,
      DashboardPublishOptions: {
        AdHocFilteringOption: { AvailabilityStatus: 'ENABLED' },
        ExportToCSVOption: { AvailabilityStatus: 'ENABLED' },
        SheetControlsOption: { VisibilityState: 'EXPANDED' },
      },
    });
    qs.on(DescribeDashboardPermissionsCommand).resolves({ Permissions: [...currentPermissions()].reverse() });

    const [current] = await dashboards.read([
      { kind: 'quicksight-dashboard', key: 'k', region: REGION, properties: properties() },
    ]);

    expect(current?.key).toBe('k');
    expect(current?.properties).toEqual(properties());
    // Without a version number: the published version.
    expect(qs.commandCalls(DescribeDashboardDefinitionCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      DashboardId: DASHBOARD,
    });
  });
});

describe('permissions updates', () => {
  it('grants what is missing and revokes what is extra, per principal', async () => {
    const { dashboards } = provider();
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    const stranger = `arn:aws:quicksight:${REGION}:${ACCOUNT}:user/default/bob`;
    qs.on(DescribeDashboardPermissionsCommand).resolves({
      Permissions: [
        { Principal: READERS, Actions: ['quicksight:DescribeDashboard', 'quicksight:QueryDashboard'] },
        { Principal: stranger, Actions: ['quicksight:DescribeDashboard'] },
        { Principal: ADMINS, Actions: properties().permissions[0]?.actions },
      ],
    });
    qs.on(UpdateDashboardPermissionsCommand).resolves({});

    await dashboards.apply(change('update', properties(), properties()));

    expect(commandNames(qs.calls())).toEqual([
      'ListTagsForResource',
      'DescribeDashboardPermissions',
      'UpdateDashboardPermissions',
    ]);
    expect(qs.commandCalls(UpdateDashboardPermissionsCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      DashboardId: DASHBOARD,
      GrantPermissions: [{ Principal: READERS, Actions: ['quicksight:ListDashboardVersions'] }],
      RevokePermissions: [{ Principal: stranger, Actions: ['quicksight:DescribeDashboard'] }],
    });
  });
});
