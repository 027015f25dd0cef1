/**
 * An in-process fake of the AWS APIs the aws target calls, holding real state: an Organization
 * (OU tree and accounts), Organization Config Rules per region, Glue tables, Athena workgroups and
 * views, QuickSight (fake-quicksight.ts) and STS's GetCallerIdentity. `clients()` gives the SDK's own
 * clients answered from here (`answer`), so the providers run unchanged, with an optional latency
 * per call and a log of every call for counting and timing; fake-aws-server.ts serves the same
 * over HTTP. Used by the benchmark and by end-to-end tests of the aws target.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AthenaClient } from '@aws-sdk/client-athena';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { GlueClient } from '@aws-sdk/client-glue';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { QuickSightClient } from '@aws-sdk/client-quicksight';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { DeserializeMiddleware, HttpRequest, HttpResponse, InitializeMiddleware } from '@smithy/types';
import { errorMessage } from '../model/errors.js';
import type { OrganizationSnapshot } from '../model/provider.js';
import type { AwsClientOptions, AwsClients, AwsHttpHandler } from '../providers/aws/clients.js';
import { FakeQuickSight } from './fake-quicksight.js';
import { awsError, type Json, type PageRule, pageOf } from './fake-service.js';

export type FakeService = 'organizations' | 'config' | 'glue' | 'athena' | 'quicksight' | 'sts' | 's3';

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
  'PutObject',
  'DeleteObject',
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
const ATHENA_OPERATIONS = new Set([
  'GetWorkGroup',
  'StartQueryExecution',
  'GetQueryExecution',
  'GetQueryResults',
]);

/**
 * Athena's answer to a query that has no result location from the request or the workgroup (the
 * wording measured in 2026, double space included; older answers read "No output location
 * provided. An output location is required either through the Workgroup result configuration
 * setting or as an API input.").
 */
export const NO_OUTPUT_LOCATION =
  'No output location provided. You did not provide an output location for  your query results. Either specify an S3 bucket location or enable Athena managed query results in your workgroup settings.';
/** Athena's answer to a workgroup name it does not know (GetWorkGroup, StartQueryExecution). */
export const WORKGROUP_NOT_FOUND = 'WorkGroup is not found.';

/** The `primary` workgroup of a new account: enabled, no result location, client settings not overridden. */
export function newAccountPrimaryWorkGroup(): Json {
  return {
    Name: 'primary',
    State: 'ENABLED',
    Description: '',
    Configuration: {
      EnforceWorkGroupConfiguration: false,
      PublishCloudWatchMetricsEnabled: false,
      RequesterPaysEnabled: false,
      EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
    },
  };
}

/** Athena's fixed quota on one query string, in bytes. */
const ATHENA_QUERY_MAX_BYTES = 262_144;

/**
 * The text Athena (Trino) stores for a view's query: formatted anew, comments gone. The fake does
 * not format like Trino's SqlFormatter; it changes the text the way that matters to a reader of
 * it: line comments dropped, every run of whitespace one space. A provider comparing the text it
 * sent with the text it reads back sees a difference here, as it would on AWS.
 */
export function trinoLikeText(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A SELECT's result as Athena gives it back: named columns, every value text or SQL NULL. */
export interface AthenaAnswer {
  columns: string[];
  rows: (string | null)[][];
}

/**
 * Runs a SELECT (or WITH … SELECT, VALUES) for the fake Athena: a test wires it to a real engine
 * over the same data (the local target's DuckDB). A rejection fails the query as Athena does.
 */
export type AthenaSelectAnswerer = (sql: string) => Promise<AthenaAnswer>;

/** GetQueryResults' largest page (Athena refuses MaxResults over 1,000). */
const ATHENA_MAX_RESULTS = 1000;

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
  /** `bucket/key` → an S3 object's text and user metadata. */
  readonly objects = new Map<string, { body: string; etag: string; metadata: Record<string, string> }>();
  /**
   * region → workgroup name → the WorkGroup as GetWorkGroup returns it. A region starts with the
   * `primary` of a new account (newAccountPrimaryWorkGroup) when first used; set or replace
   * workgroups with `workGroup`.
   */
  readonly workGroups = new Map<string, Map<string, Json>>();
  /** Query execution id → where Athena put its results (`<location><id>.csv`), as GetQueryExecution reports. */
  readonly resultLocations = new Map<string, string>();
  /**
   * Answers SELECT queries when set; without it every query succeeds with no rows (DDL-like). With
   * it a SELECT runs through it: GetQueryExecution reports DML, SUCCEEDED or FAILED with the
   * answerer's error, and GetQueryResults pages its rows (a header row first, at most 1,000 a page).
   */
  answerSelects: AthenaSelectAnswerer | undefined;
  /** Query execution id → the settled answer of a SELECT run through `answerSelects`. */
  readonly #selects = new Map<string, Promise<{ answer: AthenaAnswer } | { error: string }>>();
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

  /**
   * Sets workgroup `name` of `region` (its Configuration as CreateWorkGroup takes it; State ENABLED
   * unless given), or, with `undefined`, removes it.
   */
  workGroup(region: string, name: string, configuration: Json | undefined, state = 'ENABLED'): void {
    const groups = this.#workGroups(region);
    if (configuration === undefined) groups.delete(name);
    else
      groups.set(name, {
        Name: name,
        State: state,
        Description: '',
        Configuration: structuredClone(configuration),
      });
  }

  #workGroups(region: string): Map<string, Json> {
    let groups = this.workGroups.get(region);
    if (!groups) {
      groups = new Map([['primary', newAccountPrimaryWorkGroup()]]);
      this.workGroups.set(region, groups);
    }
    return groups;
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
   *
   * With `wrapHandler` (as AwsClientOptions takes it), each request is serialised, signed and
   * handed to the HTTP handler it returns, wrapped around a transport that answers from this
   * fake (fakeTransport): what the wrapper does to a request (a fault, an answer lost) happens
   * to it as on the wire, and the SDK reads what comes back as it reads AWS's answers.
   */
  clients(options: { wrapHandler?: AwsClientOptions['wrapHandler'] } = {}): AwsClients {
    const built = new Map<string, unknown>();
    const wrap = options.wrapHandler;
    const exchanges = new WeakMap<object, Exchange>();
    const settings = (service: FakeService, region: string) => ({
      region,
      credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
      maxAttempts: 1,
      ...(wrap ? { requestHandler: wrap(this.#transport(service, region, exchanges), service, region) } : {}),
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
      client.middlewareStack.add(this.#answering(service, region, wrap !== undefined), {
        step: 'initialize',
        name: 'answerFromFakeAws',
        priority: 'high',
      });
      if (wrap) {
        // Last before the handler: the request as sent (signed) is the key to its exchange.
        const tagRequest: DeserializeMiddleware<object, object> = (next, context) => async (args) => {
          const exchange = (context as { [EXCHANGE]?: Exchange })[EXCHANGE];
          if (exchange) exchanges.set(args.request as object, exchange);
          return next(args);
        };
        // (The stack takes every step's middleware; `once` types only the initialize one.)
        client.middlewareStack.add(tagRequest as unknown as InitializeMiddleware<object, object>, {
          step: 'deserialize',
          name: 'fakeAwsExchange',
          priority: 'low',
        });
      }
      built.set(key, client);
      return client;
    };
    return {
      organizations: () =>
        once(
          'organizations',
          'us-east-1',
          () => new OrganizationsClient(settings('organizations', 'us-east-1')),
        ),
      config: (region) => once('config', region, () => new ConfigServiceClient(settings('config', region))),
      glue: (region) => once('glue', region, () => new GlueClient(settings('glue', region))),
      athena: (region) => once('athena', region, () => new AthenaClient(settings('athena', region))),
      quicksight: (region) =>
        once('quicksight', region, () => new QuickSightClient(settings('quicksight', region))),
      sts: (region) => once('sts', region, () => new STSClient(settings('sts', region))),
      s3: (region) => once('s3', region, () => new S3Client(settings('s3', region))),
    };
  }

  /**
   * The middleware that answers a client's commands from this fake (the command name says which).
   * Through a transport, the request goes down the stack first and the transport answers it; what
   * it answered (or the fake's error) comes back here, unless the request failed on the way.
   */
  #answering(service: FakeService, region: string, transport: boolean): InitializeMiddleware<object, object> {
    return (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (!transport) {
        const answer = await this.answer(service, operation, region, args.input as Json);
        return { response: undefined, output: { $metadata: {}, ...(answer as object) } };
      }
      const exchange: Exchange = { operation, input: args.input as Json };
      (context as { [EXCHANGE]?: Exchange })[EXCHANGE] = exchange;
      await next(args);
      const answered = exchange.answered;
      if (!answered) throw new Error(`The fake AWS transport never saw ${service} ${operation}`);
      if ('error' in answered) throw answered.error;
      return { response: undefined, output: { $metadata: {}, ...(answered.value as object) } };
    };
  }

  /**
   * The HTTP handler at the bottom of a client's stack: answers the request's exchange from this
   * fake (state changes here, as in the service) and returns an empty success in the service's
   * protocol for the SDK to read; the answer itself goes back through the exchange.
   */
  #transport(service: FakeService, region: string, exchanges: WeakMap<object, Exchange>): AwsHttpHandler {
    return {
      handle: async (request: HttpRequest) => {
        const exchange = exchanges.get(request);
        if (!exchange)
          throw new Error(`The fake AWS transport got a ${service} request it did not see built`);
        try {
          exchange.answered = {
            value: await this.answer(service, exchange.operation, region, exchange.input),
          };
        } catch (error) {
          exchange.answered = { error };
        }
        return { response: emptySuccess(service, exchange.operation) };
      },
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
      if (service === 's3') return this.s3(operation, input);
      return this.handle(operation, region, input);
    } finally {
      this.calls.push({ service, operation, region, input, start, end: performance.now() });
    }
  }

  /**
   * S3 objects (the reference tables' data, the apply lock): GetObject, PutObject with user
   * metadata and S3's conditional writes (`If-None-Match: *` refused when the key exists,
   * `If-Match` refused unless the ETag is the object's: 412 PreconditionFailed), DeleteObject.
   */
  private s3(operation: string, input: Json): unknown {
    const at = `${String(input.Bucket)}/${String(input.Key)}`;
    const precondition = (header: string) =>
      awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
        status: 412,
        members: { Condition: header },
      });
    switch (operation) {
      case 'GetObject': {
        const object = this.objects.get(at);
        if (!object) {
          throw awsError('NoSuchKey', 'The specified key does not exist.', {
            status: 404,
            members: { Key: input.Key },
          });
        }
        const body = object.body;
        return {
          Body: { transformToString: async () => body },
          ContentLength: Buffer.byteLength(body),
          ETag: object.etag,
          Metadata: { ...object.metadata },
        };
      }
      case 'PutObject': {
        const held = this.objects.get(at);
        if (input.IfNoneMatch === '*' && held) throw precondition('If-None-Match');
        if (
          input.IfMatch !== undefined &&
          (!held || String(input.IfMatch).replace(/"/g, '') !== held.etag.replace(/"/g, ''))
        )
          throw precondition('If-Match');
        const raw = input.Body;
        const body =
          typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : '';
        const metadata = (input.Metadata ?? {}) as Record<string, string>;
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        // S3 keeps user metadata keys in lower case.
        this.objects.set(at, {
          body,
          etag,
          metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v])),
        });
        return { ETag: etag };
      }
      case 'DeleteObject':
        this.objects.delete(at);
        return {};
      default:
        throw awsError('NotImplemented', `The fake S3 does not implement ${operation}`, { status: 501 });
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
        const seen = input.VersionId;
        if (operation === 'UpdateTable' && seen !== undefined && seen !== tables.get(key)?.VersionId) {
          throw awsError(
            'ConcurrentModificationException',
            `Table ${key} was modified since version ${String(seen)}.`,
          );
        }
        for (const [name, value] of Object.entries((tableInput.Parameters ?? {}) as Record<string, string>)) {
          if (name.length > 255 || String(value).length > 512_000) {
            throw awsError(
              'InvalidInputException',
              `1 validation error detected: Value at 'table.parameters' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 512000]`,
            );
          }
        }
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

  /**
   * Athena: GetWorkGroup, and queries that run in a workgroup of the region and need a result
   * location from the request or the workgroup (one that enforces its settings ignores the
   * request's). A CREATE OR REPLACE VIEW or DROP VIEW changes the Glue catalog as Athena does.
   */
  private athenaQueries(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'GetWorkGroup': {
        const group = this.#workGroups(region).get(String(input.WorkGroup));
        if (!group) throw workGroupNotFound();
        return { WorkGroup: structuredClone(group) };
      }
      case 'StartQueryExecution': {
        const bytes = Buffer.byteLength(String(input.QueryString ?? ''), 'utf8');
        if (bytes > ATHENA_QUERY_MAX_BYTES) {
          // The service refuses the request itself; no query execution is made.
          throw awsError(
            'InvalidRequestException',
            `1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to ${ATHENA_QUERY_MAX_BYTES}`,
          );
        }
        const location = this.#resultLocation(region, input);
        const sql = String(input.QueryString);
        this.queries.push(sql);
        const id = `0f1e2d3c-0000-4000-8000-${String(++this.queryCount).padStart(12, '0')}`;
        if (location !== undefined) this.resultLocations.set(id, `${location}${id}.csv`);
        if (this.answerSelects && /^\s*(SELECT|WITH|VALUES)\b/i.test(sql)) {
          this.#selects.set(
            id,
            this.answerSelects(sql).then(
              (answer) => ({ answer }),
              (e) => ({ error: errorMessage(e) }),
            ),
          );
          return { QueryExecutionId: id };
        }
        const create = /^CREATE OR REPLACE VIEW "([a-z0-9_]+)"\."([a-z0-9_]+)" AS\n([\s\S]*)$/.exec(sql);
        const drop = /^DROP VIEW IF EXISTS "([a-z0-9_]+)"\."([a-z0-9_]+)"$/.exec(sql);
        const tables = this.tables.get(region) ?? new Map<string, Json>();
        this.tables.set(region, tables);
        if (create) {
          const [, db, name, body] = create as unknown as [string, string, string, string];
          // Athena stores the query as the engine formats it, not as sent (see trinoLikeText).
          const payload = {
            originalSql: trinoLikeText(body),
            catalog: 'awsdatacatalog',
            schema: db,
            columns: [],
          };
          tables.set(`${db}.${name}`, {
            Name: name,
            DatabaseName: db,
            TableType: 'VIRTUAL_VIEW',
            Parameters: { presto_view: 'true', comment: 'Presto View' },
            ViewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(payload)).toString('base64')} */`,
            ViewExpandedText: '/* Presto View */',
            VersionId: String(++this.versions),
          });
        } else if (drop) {
          tables.delete(`${drop[1]}.${drop[2]}`);
        }
        return { QueryExecutionId: id };
      }
      case 'GetQueryExecution': {
        const select = this.#selects.get(String(input.QueryExecutionId));
        if (select) return this.#selectExecution(String(input.QueryExecutionId), select);
        const output = this.resultLocations.get(String(input.QueryExecutionId));
        return {
          QueryExecution: {
            QueryExecutionId: input.QueryExecutionId,
            StatementType: 'DDL',
            ...(output !== undefined ? { ResultConfiguration: { OutputLocation: output } } : {}),
            Status: { State: 'SUCCEEDED' },
          },
        };
      }
      case 'GetQueryResults': {
        const select = this.#selects.get(String(input.QueryExecutionId));
        if (select) return this.#selectResults(input, select);
        return { ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } };
      }
      default:
        throw awsError('UnknownOperationException', `The fake does not implement ${operation}`);
    }
  }

  async #selectExecution(id: string, select: Promise<{ answer: AthenaAnswer } | { error: string }>) {
    const settled = await select;
    const output = this.resultLocations.get(id);
    return {
      QueryExecution: {
        QueryExecutionId: id,
        StatementType: 'DML',
        ...(output !== undefined ? { ResultConfiguration: { OutputLocation: output } } : {}),
        Status:
          'error' in settled ? { State: 'FAILED', StateChangeReason: settled.error } : { State: 'SUCCEEDED' },
      },
    };
  }

  /** One page of a SELECT's rows: the header row first, as Athena gives it; NextToken while more remain. */
  async #selectResults(input: Json, select: Promise<{ answer: AthenaAnswer } | { error: string }>) {
    const max = input.MaxResults === undefined ? ATHENA_MAX_RESULTS : Number(input.MaxResults);
    if (!(max >= 1 && max <= ATHENA_MAX_RESULTS)) {
      throw awsError(
        'InvalidRequestException',
        `1 validation error detected: Value '${String(input.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${ATHENA_MAX_RESULTS}`,
      );
    }
    const settled = await select;
    if ('error' in settled) {
      throw awsError(
        'InvalidRequestException',
        'Query did not finish successfully. Final query state: FAILED',
      );
    }
    const { columns, rows } = settled.answer;
    const all = [columns, ...rows];
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(start) || start < 0 || start >= all.length) {
      throw awsError('InvalidRequestException', `Invalid NextToken: ${String(input.NextToken)}`);
    }
    const page = all.slice(start, start + max);
    return {
      ResultSet: {
        Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
        ResultSetMetadata: {
          ColumnInfo: columns.map((name) => ({ Name: name, Label: name, Type: 'varchar' })),
        },
      },
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
    };
  }

  /**
   * Where StartQueryExecution's results go: the workgroup's location when it enforces its settings,
   * else the request's, else the workgroup's; managed query results need none. Refused as Athena
   * refuses it when the workgroup is unknown or disabled, or no location applies.
   */
  #resultLocation(region: string, input: Json): string | undefined {
    const group = this.#workGroups(region).get(String(input.WorkGroup ?? 'primary'));
    if (!group) throw workGroupNotFound();
    // A disabled workgroup runs no queries (Athena user guide); the exact wording is not confirmed.
    if (group.State === 'DISABLED') throw awsError('InvalidRequestException', 'WorkGroup is disabled');
    const configuration = (group.Configuration ?? {}) as {
      EnforceWorkGroupConfiguration?: boolean;
      ResultConfiguration?: { OutputLocation?: string };
      ManagedQueryResultsConfiguration?: { Enabled?: boolean };
    };
    const own = configuration.ResultConfiguration?.OutputLocation || undefined;
    const sent =
      (input.ResultConfiguration as { OutputLocation?: string } | undefined)?.OutputLocation || undefined;
    const location = configuration.EnforceWorkGroupConfiguration === true ? own : (sent ?? own);
    if (location === undefined && configuration.ManagedQueryResultsConfiguration?.Enabled !== true) {
      throw awsError('InvalidRequestException', NO_OUTPUT_LOCATION, {
        members: { AthenaErrorCode: 'INVALID_INPUT' },
      });
    }
    return location;
  }
}

/** Where a command's input and the fake's answer meet, between the stack's top and its transport. */
interface Exchange {
  operation: string;
  input: Json;
  answered?: { value: unknown } | { error: unknown };
}

const EXCHANGE = Symbol('fakeAwsExchange');

/** A 200 with an empty result in the service's protocol (JSON, REST JSON, REST XML, or STS's query XML). */
function emptySuccess(service: FakeService, operation: string): HttpResponse {
  const text =
    service === 'sts'
      ? `<${operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${operation}Result></${operation}Result></${operation}Response>`
      : service === 's3'
        ? ''
        : '{}';
  const type = service === 'sts' ? 'text/xml' : service === 's3' ? 'application/xml' : 'application/json';
  return { statusCode: 200, headers: { 'content-type': type }, body: Readable.from([Buffer.from(text)]) };
}

function workGroupNotFound(): Error {
  return awsError('InvalidRequestException', WORKGROUP_NOT_FOUND, {
    members: { AthenaErrorCode: 'INVALID_INPUT' },
  });
}
