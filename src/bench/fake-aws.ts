/**
 * An in-process fake of the AWS APIs the aws target calls, holding real state: an Organization
 * (OU tree and accounts), Organization Config Rules per region, Glue tables, Athena views,
 * QuickSight (fake-quicksight.ts) and STS's GetCallerIdentity. `clients()` gives the SDK's own
 * clients answered from here (`answer`), so the providers run unchanged, with an optional latency
 * per call and a log of every call for counting and timing; fake-aws-server.ts serves the same
 * over HTTP. Used by the benchmark and by end-to-end tests of the aws target.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { GlueClient } from '@aws-sdk/client-glue';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { QuickSightClient } from '@aws-sdk/client-quicksight';
import { STSClient } from '@aws-sdk/client-sts';
import type { InitializeMiddleware } from '@smithy/types';
import type { OrganizationSnapshot } from '../model/provider.js';
import type { AwsClients } from '../providers/aws/clients.js';
import { FakeQuickSight } from './fake-quicksight.js';
import { awsError, type Json, type PageRule, pageOf } from './fake-service.js';

export type FakeService = 'organizations' | 'config' | 'glue' | 'athena' | 'quicksight' | 'sts';

export interface FakeCall {
  service: FakeService;
  operation: string;
  region: string;
  input: Record<string, unknown>;
  start: number;
  end: number;
}

interface Ou {
  id: string;
  name: string;
  parentId: string;
  path: string;
}

/** The account of the fake's credentials unless the options name another. */
export const FAKE_ACCOUNT_ID = '111111111111';

const WRITE_OPERATIONS = new Set([
  'PutOrganizationConfigRule',
  'DeleteOrganizationConfigRule',
  'CreateDatabase',
  'CreateTable',
  'UpdateTable',
  // QuickSight
  'CreateDataSource',
  'UpdateDataSource',
  'DeleteDataSource',
  'UpdateDataSourcePermissions',
  'CreateDataSet',
  'UpdateDataSet',
  'DeleteDataSet',
  'UpdateDataSetPermissions',
  'CreateRefreshSchedule',
  'UpdateRefreshSchedule',
  'DeleteRefreshSchedule',
  'CreateAnalysis',
  'UpdateAnalysis',
  'DeleteAnalysis',
  'UpdateAnalysisPermissions',
  'CreateDashboard',
  'UpdateDashboard',
  'DeleteDashboard',
  'UpdateDashboardPermissions',
  'UpdateDashboardPublishedVersion',
  'TagResource',
  'UntagResource',
]);

const ORGANIZATIONS_OPERATIONS = new Set([
  'DescribeOrganization',
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
]);
const CONFIG_OPERATIONS = new Set([
  'DescribeOrganizationConfigRules',
  'DescribeOrganizationConfigRuleStatuses',
  'GetOrganizationConfigRuleDetailedStatus',
  'PutOrganizationConfigRule',
  'DeleteOrganizationConfigRule',
]);
const ATHENA_OPERATIONS = new Set(['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults']);

export interface FakeAwsOptions {
  /** Milliseconds every call waits before it is answered. */
  latencyMs?: number;
  /** The account of the credentials (STS GetCallerIdentity, QuickSight). Default 111111111111. */
  accountId?: string;
}

export class FakeAws {
  readonly calls: FakeCall[] = [];
  readonly rootId = 'r-ab12';
  readonly ous: Ou[] = [];
  /** region → rule name → the rule as DescribeOrganizationConfigRules returns it. */
  readonly rules = new Map<string, Map<string, Json>>();
  /** region → `db.table` → the Glue Table object. */
  readonly tables = new Map<string, Map<string, Json>>();
  readonly databases = new Map<string, Set<string>>();
  /** region → database → its Parameters (ownership marker). */
  readonly databaseParameters = new Map<string, Map<string, Record<string, string>>>();
  /** Athena queries run, in order. */
  readonly queries: string[] = [];
  private queryCount = 0;
  private readonly ouByPath = new Map<string, Ou>();
  private readonly accountsByParent = new Map<string, OrganizationSnapshot['accounts']>();
  private readonly ousByParent = new Map<string, Ou[]>();
  private versions = 0;
  /** The account of the credentials: what GetCallerIdentity answers, and QuickSight's account. */
  readonly accountId: string;
  /** QuickSight's state, per account and region. */
  readonly quickSight: FakeQuickSight;

  constructor(
    readonly org: OrganizationSnapshot,
    private readonly options: FakeAwsOptions = {},
  ) {
    this.accountId = options.accountId ?? FAKE_ACCOUNT_ID;
    this.quickSight = new FakeQuickSight(this.accountId);
    const rootPath = '/Root';
    for (const a of org.accounts) {
      const parts = a.ouPath.split('/').filter(Boolean);
      let parentId = this.rootId;
      for (let k = 2; k <= parts.length; k++) {
        const path = `/${parts.slice(0, k).join('/')}`;
        let ou = this.ouByPath.get(path);
        if (!ou) {
          ou = {
            id: `ou-ab12-${String(this.ous.length + 1).padStart(8, '0')}`,
            name: parts[k - 1] ?? '',
            parentId,
            path,
          };
          this.ous.push(ou);
          this.ouByPath.set(path, ou);
          const siblings = this.ousByParent.get(parentId) ?? [];
          siblings.push(ou);
          this.ousByParent.set(parentId, siblings);
        }
        parentId = ou.id;
      }
      const parent = a.ouPath === rootPath ? this.rootId : (this.ouByPath.get(a.ouPath)?.id ?? this.rootId);
      const list = this.accountsByParent.get(parent) ?? [];
      list.push(a);
      this.accountsByParent.set(parent, list);
    }
  }

  /** Parents (root and OUs) with their number of child OUs and accounts, for computing call floors. */
  parents(): {
    id: string;
    depth: number;
    ous: number;
    accounts: number;
    parentId?: string;
    indexInParent: number;
  }[] {
    const out = [{ id: this.rootId, depth: 0, ous: 0, accounts: 0, indexInParent: 0 }] as {
      id: string;
      depth: number;
      ous: number;
      accounts: number;
      parentId?: string;
      indexInParent: number;
    }[];
    for (const ou of this.ous) {
      const siblings = this.ousByParent.get(ou.parentId) ?? [];
      out.push({
        id: ou.id,
        depth: ou.path.split('/').length - 2,
        ous: 0,
        accounts: 0,
        parentId: ou.parentId,
        indexInParent: siblings.indexOf(ou),
      });
    }
    for (const p of out) {
      p.ous = (this.ousByParent.get(p.id) ?? []).length;
      p.accounts = (this.accountsByParent.get(p.id) ?? []).length;
    }
    return out;
  }

  /** Calls that change state: the write APIs, and Athena queries that create or drop views. */
  writeCalls(): FakeCall[] {
    return this.calls.filter(
      (c) =>
        WRITE_OPERATIONS.has(c.operation) ||
        (c.operation === 'StartQueryExecution' && /^(CREATE|DROP) /.test(String(c.input.QueryString))),
    );
  }

  /**
   * One client per service and region, as createAwsClients builds them: the SDK's own clients,
   * each with a middleware at the start of its stack that answers from this fake instead of
   * sending a request (so the providers get the real client types and calls).
   */
  clients(): AwsClients {
    const built = new Map<string, unknown>();
    const settings = (region: string) => ({
      region,
      credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
      maxAttempts: 1,
    });
    const once = <
      C extends { middlewareStack: { add(m: InitializeMiddleware<object, object>, o: object): void } },
    >(
      service: FakeService,
      region: string,
      build: () => C,
    ): C => {
      const key = `${service}/${region}`;
      const existing = built.get(key) as C | undefined;
      if (existing) return existing;
      const client = build();
      client.middlewareStack.add(this.#answering(service, region), {
        step: 'initialize',
        name: 'answerFromFakeAws',
        priority: 'high',
      });
      built.set(key, client);
      return client;
    };
    return {
      organizations: () =>
        once('organizations', 'us-east-1', () => new OrganizationsClient(settings('us-east-1'))),
      config: (region) => once('config', region, () => new ConfigServiceClient(settings(region))),
      glue: (region) => once('glue', region, () => new GlueClient(settings(region))),
      athena: (region) => once('athena', region, () => new AthenaClient(settings(region))),
      quicksight: (region) => once('quicksight', region, () => new QuickSightClient(settings(region))),
      sts: (region) => once('sts', region, () => new STSClient(settings(region))),
    };
  }

  /** The middleware that answers a client's commands from this fake (the command name says which). */
  #answering(service: FakeService, region: string): InitializeMiddleware<object, object> {
    return (_next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const answer = await this.answer(service, operation, region, args.input as Json);
      return { response: undefined, output: { $metadata: {}, ...(answer as object) } };
    };
  }

  /**
   * Answers one operation of one service. QuickSight and STS are told apart by the service (names
   * such as ListTagsForResource recur across services); the others by the operation.
   */
  async answer(service: FakeService, operation: string, region: string, request: Json): Promise<unknown> {
    const input = structuredClone(request);
    const start = performance.now();
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    try {
      if (service === 'quicksight') return this.quickSight.handle(operation, region, input);
      if (service === 'sts') return this.sts(operation);
      return this.handle(operation, region, input);
    } finally {
      this.calls.push({ service, operation, region, input, start, end: performance.now() });
    }
  }

  private sts(operation: string): unknown {
    if (operation !== 'GetCallerIdentity') {
      throw awsError('UnknownOperationException', `The fake STS does not implement ${operation}`);
    }
    return {
      UserId: 'AROAFAKEDATAREADROLE:org-compliance',
      Account: this.accountId,
      Arn: `arn:aws:sts::${this.accountId}:assumed-role/org-compliance-data-read/org-compliance`,
    };
  }

  private page<T>(
    items: T[],
    input: Json,
    max: number,
    limitKey: PageRule['limitKey'],
  ): { items: T[]; next?: string } {
    return pageOf(items, input, { limitKey, max });
  }

  /** Answers an Organizations, Config, Glue or Athena operation (QuickSight and STS have their own). */
  private handle(operation: string, region: string, input: Json): unknown {
    if (ORGANIZATIONS_OPERATIONS.has(operation)) return this.organizations(operation, input);
    if (CONFIG_OPERATIONS.has(operation)) return this.configRules(operation, region, input);
    if (ATHENA_OPERATIONS.has(operation)) return this.athenaQueries(operation, region, input);
    return this.glue(operation, region, input);
  }

  /** The Organization: its root, OUs and accounts, 20 a page. */
  private organizations(operation: string, input: Json): unknown {
    switch (operation) {
      case 'DescribeOrganization':
        return { Organization: { Id: this.org.organizationId, FeatureSet: 'ALL' } };
      case 'ListRoots':
        return {
          Roots: [
            {
              Id: this.rootId,
              Name: 'Root',
              Arn: `arn:aws:organizations::111111111111:root/${this.org.organizationId}/${this.rootId}`,
            },
          ],
        };
      case 'ListOrganizationalUnitsForParent': {
        const { items, next } = this.page(
          this.ousByParent.get(String(input.ParentId)) ?? [],
          input,
          20,
          'MaxResults',
        );
        return {
          OrganizationalUnits: items.map((ou) => ({
            Id: ou.id,
            Name: ou.name,
            Arn: `arn:aws:organizations::111111111111:ou/${this.org.organizationId}/${ou.id}`,
          })),
          ...(next ? { NextToken: next } : {}),
        };
      }
      case 'ListAccountsForParent': {
        const { items, next } = this.page(
          this.accountsByParent.get(String(input.ParentId)) ?? [],
          input,
          20,
          'MaxResults',
        );
        return {
          Accounts: items.map((a) => ({
            Id: a.id,
            Arn: `arn:aws:organizations::111111111111:account/${this.org.organizationId}/${a.id}`,
            Name: a.name,
            State: a.state,
            JoinedMethod: 'CREATED',
            JoinedTimestamp: new Date(`${a.joined}T09:30:00Z`),
          })),
          ...(next ? { NextToken: next } : {}),
        };
      }
      default:
        throw awsError('UnknownOperationException', `The fake does not implement ${operation}`);
    }
  }

  /** Organization Config Rules per region. */
  private configRules(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'DescribeOrganizationConfigRules': {
        const all = [...(this.rules.get(region)?.values() ?? [])];
        const { items, next } = this.page(all, input, 100, 'Limit');
        return { OrganizationConfigRules: structuredClone(items), ...(next ? { NextToken: next } : {}) };
      }
      case 'DescribeOrganizationConfigRuleStatuses': {
        const all = [...(this.rules.get(region)?.values() ?? [])].map((r) => ({
          OrganizationConfigRuleName: r.OrganizationConfigRuleName,
          OrganizationRuleStatus: 'CREATE_SUCCESSFUL',
        }));
        const { items, next } = this.page(all, input, 100, 'Limit');
        return { OrganizationConfigRuleStatuses: items, ...(next ? { NextToken: next } : {}) };
      }
      case 'GetOrganizationConfigRuleDetailedStatus':
        return { OrganizationConfigRuleDetailedStatus: [] };
      case 'PutOrganizationConfigRule': {
        const name = String(input.OrganizationConfigRuleName);
        const rules = this.rules.get(region) ?? new Map<string, Json>();
        this.rules.set(region, rules);
        const arn = `arn:aws:config:${region}:111111111111:organization-config-rule/${name}-abcdefgh`;
        rules.set(name, {
          OrganizationConfigRuleName: name,
          OrganizationConfigRuleArn: arn,
          OrganizationManagedRuleMetadata: input.OrganizationManagedRuleMetadata,
          ...(Array.isArray(input.ExcludedAccounts) && input.ExcludedAccounts.length
            ? { ExcludedAccounts: input.ExcludedAccounts }
            : {}),
          LastUpdateTime: new Date(),
        });
        return { OrganizationConfigRuleArn: arn };
      }
      case 'DeleteOrganizationConfigRule': {
        const name = String(input.OrganizationConfigRuleName);
        if (!this.rules.get(region)?.delete(name))
          throw awsError('NoSuchOrganizationConfigRuleException', `${name} not found`);
        return {};
      }
      default:
        throw awsError('UnknownOperationException', `The fake does not implement ${operation}`);
    }
  }

  /** Glue databases and tables (views included) per region. */
  private glue(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'GetDatabase': {
        const name = String(input.Name);
        if (!this.databases.get(region)?.has(name))
          throw awsError('EntityNotFoundException', `Database ${name} not found.`);
        return { Database: { Name: name, Parameters: this.databaseParameters.get(region)?.get(name) ?? {} } };
      }
      case 'CreateDatabase': {
        const db = input.DatabaseInput as { Name: string; Parameters?: Record<string, string> };
        const set = this.databases.get(region) ?? new Set<string>();
        set.add(db.Name);
        this.databases.set(region, set);
        const params = this.databaseParameters.get(region) ?? new Map<string, Record<string, string>>();
        params.set(db.Name, { ...(db.Parameters ?? {}) });
        this.databaseParameters.set(region, params);
        return {};
      }
      case 'GetTables': {
        const db = String(input.DatabaseName);
        if (!this.databases.get(region)?.has(db))
          throw awsError('EntityNotFoundException', `Database ${db} not found.`);
        const all = [...(this.tables.get(region)?.entries() ?? [])]
          .filter(([k]) => k.startsWith(`${db}.`))
          .map(([, t]) => structuredClone(t));
        const { items, next } = this.page(all, input, 100, 'MaxResults');
        return { TableList: items, ...(next ? { NextToken: next } : {}) };
      }
      case 'GetTable': {
        const table = this.tables.get(region)?.get(`${String(input.DatabaseName)}.${String(input.Name)}`);
        if (!table) throw awsError('EntityNotFoundException', `Table ${String(input.Name)} not found.`);
        return { Table: structuredClone(table) };
      }
      case 'CreateTable':
      case 'UpdateTable': {
        const db = String(input.DatabaseName);
        if (!this.databases.get(region)?.has(db))
          throw awsError('EntityNotFoundException', `Database ${db} not found.`);
        const tableInput = input.TableInput as Json;
        const key = `${db}.${String(tableInput.Name)}`;
        const tables = this.tables.get(region) ?? new Map<string, Json>();
        this.tables.set(region, tables);
        const exists = tables.has(key);
        if (operation === 'CreateTable' && exists)
          throw awsError('AlreadyExistsException', `Table ${key} already exists.`);
        if (operation === 'UpdateTable' && !exists)
          throw awsError('EntityNotFoundException', `Table ${key} not found.`);
        this.versions++;
        tables.set(key, {
          ...structuredClone(tableInput),
          DatabaseName: db,
          CatalogId: '111111111111',
          CreateTime: new Date(),
          UpdateTime: new Date(),
          VersionId: String(this.versions),
          IsRegisteredWithLakeFormation: false,
        });
        return {};
      }
      default:
        throw awsError('UnknownOperationException', `The fake does not implement ${operation}`);
    }
  }

  /** Athena: a CREATE OR REPLACE VIEW or DROP VIEW changes the Glue catalog as Athena does. */
  private athenaQueries(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'StartQueryExecution': {
        const sql = String(input.QueryString);
        this.queries.push(sql);
        const id = `0f1e2d3c-0000-4000-8000-${String(++this.queryCount).padStart(12, '0')}`;
        const create = /^CREATE OR REPLACE VIEW "([a-z0-9_]+)"\."([a-z0-9_]+)" AS\n([\s\S]*)$/.exec(sql);
        const drop = /^DROP VIEW IF EXISTS "([a-z0-9_]+)"\."([a-z0-9_]+)"$/.exec(sql);
        const tables = this.tables.get(region) ?? new Map<string, Json>();
        this.tables.set(region, tables);
        if (create) {
          const [, db, name, body] = create as unknown as [string, string, string, string];
          const payload = { originalSql: body, catalog: 'awsdatacatalog', schema: db, columns: [] };
          tables.set(`${db}.${name}`, {
            Name: name,
            DatabaseName: db,
            TableType: 'VIRTUAL_VIEW',
            Parameters: { presto_view: 'true', comment: 'Presto View' },
            ViewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(payload)).toString('base64')} */`,
            ViewExpandedText: '/* Presto View */',
          });
        } else if (drop) {
          tables.delete(`${drop[1]}.${drop[2]}`);
        }
        return { QueryExecutionId: id };
      }
      case 'GetQueryExecution':
        return {
          QueryExecution: {
            QueryExecutionId: input.QueryExecutionId,
            StatementType: 'DDL',
            Status: { State: 'SUCCEEDED' },
          },
        };
      case 'GetQueryResults':
        return { ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } };
      default:
        throw awsError('UnknownOperationException', `The fake does not implement ${operation}`);
    }
  }
}
