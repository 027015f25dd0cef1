/**
 * Trino (https://trino.io), the engine Athena's engine v3 is built on, as a local single-node
 * server for the integration suite: the server tarball downloaded once from Maven Central into the
 * cache and unpacked beside it, started on a free loopback port with only the plugins its catalogs
 * need, queried through Trino's HTTP protocol (POST /v1/statement, then follow nextUri), stopped by
 * the caller (and, failing that, when this process ends).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { cacheDir } from './cache.js';
import { freePort } from './ports.js';
import { spawnServer, tailLog, waitFor } from './process.js';

/**
 * The Trino release the suite is proven with. Maven Central serves it; it needs Java 24 or newer.
 * (Trino 411–435 ran on Java 17, but this Maven mirror holds only 352, 356, 368, 470 and 476.)
 */
export const TRINO_VERSION = '476';
export const TRINO_MIN_JAVA = 24;
export const TRINO_TARBALL_URL = `https://repo1.maven.org/maven2/io/trino/trino-server/${TRINO_VERSION}/trino-server-${TRINO_VERSION}.tar.gz`;

const STARTUP_TIMEOUT_MS = 180_000;
const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;
const UNPACK_TIMEOUT_MS = 10 * 60_000;

export function progress(line: string): void {
  process.stderr.write(`[trino] ${line}\n`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// Java

export interface Java {
  /** The `java` executable. */
  java: string;
  /** Feature release (`25` for 25.0.3). */
  major: number;
  /** What `java -version` printed first. */
  banner: string;
}

function javaVersion(java: string): Promise<Java | undefined> {
  return new Promise((resolveVersion) => {
    execFile(java, ['-version'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return resolveVersion(undefined);
      const text = `${stderr}${stdout}`;
      const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(text);
      if (!m) return resolveVersion(undefined);
      // Java 8 and older print "1.8.0_…".
      const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
      resolveVersion({ java, major, banner: text.split('\n')[0]?.trim() ?? '' });
    });
  });
}

/**
 * A JDK that runs Trino: `$ORG_COMPLIANCE_JAVA_HOME`, `$JAVA_HOME`, every JDK under /usr/lib/jvm,
 * then `java` on the PATH; the newest one at least `min` wins. Throws a message listing what was
 * found when none is new enough.
 */
export async function findJava(min = TRINO_MIN_JAVA): Promise<Java> {
  const homes: string[] = [];
  for (const home of [process.env.ORG_COMPLIANCE_JAVA_HOME, process.env.JAVA_HOME])
    if (home) homes.push(home);
  const jvmDir = '/usr/lib/jvm';
  if (existsSync(jvmDir)) {
    for (const entry of (await readdir(jvmDir)).sort()) homes.push(join(jvmDir, entry));
  }
  const candidates = [...new Set(homes.map((h) => join(h, 'bin', 'java')).filter((j) => existsSync(j)))];
  candidates.push('java');
  const found = (await Promise.all(candidates.map(javaVersion))).filter((j): j is Java => j !== undefined);
  const usable = found.filter((j) => j.major >= min).sort((a, b) => b.major - a.major);
  const best = usable[0];
  if (best) return best;
  const seen = found.length ? found.map((j) => `${j.java} (Java ${j.major})`).join(', ') : 'no java at all';
  throw new Error(
    `Trino ${TRINO_VERSION} needs Java ${min} or newer; found ${seen}. Install a JDK ${min}+ (for example ` +
      `Temurin 25) under /usr/lib/jvm, or point ORG_COMPLIANCE_JAVA_HOME (or JAVA_HOME) at one.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Download and unpack

export interface TrinoInstall {
  /** The unpacked `trino-server-<version>` directory. */
  home: string;
  /** Milliseconds spent downloading (0 when the tarball was cached). */
  downloadMs: number;
  /** Milliseconds spent unpacking (0 when it was unpacked already). */
  unpackMs: number;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolveRun, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolveRun();
    });
  });
}

async function download(url: string, file: string): Promise<void> {
  const partial = `${file}.part-${process.pid}-${Date.now()}`;
  progress(`downloading ${url} to ${file}`);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!res.ok || !res.body) throw new Error(`GET ${url}: HTTP ${res.status} ${res.statusText}`);
    const hash = createHash('sha1');
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(partial));
    // Maven Central publishes a SHA-1 beside every artifact: a truncated or altered file is refused.
    const sums = await fetch(`${url}.sha1`, { signal: AbortSignal.timeout(60_000) });
    if (sums.ok) {
      const want = (await sums.text()).trim().split(/\s+/)[0]?.toLowerCase();
      const got = hash.digest('hex');
      if (want && want !== got) throw new Error(`${url}: SHA-1 ${got}, Maven Central says ${want}`);
    } else {
      progress(`no checksum for ${url} (HTTP ${sums.status}); keeping the download unchecked`);
    }
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Trino unpacked under cacheDir('trino'): downloads the tarball there when missing (through a
 * `.part` file renamed once complete, checked against Maven Central's SHA-1), then unpacks it
 * once into a temporary directory beside it that is renamed into place with a marker inside, so
 * a half-finished unpack is never used.
 */
export async function ensureTrino(): Promise<TrinoInstall> {
  const dir = cacheDir('trino');
  const name = `trino-server-${TRINO_VERSION}`;
  const tarball = join(dir, `${name}.tar.gz`);
  const home = join(dir, name);
  const marker = join(home, '.unpacked');
  let downloadMs = 0;
  let unpackMs = 0;
  if (existsSync(marker)) return { home, downloadMs, unpackMs };

  if (!existsSync(tarball)) {
    const started = Date.now();
    await download(TRINO_TARBALL_URL, tarball);
    downloadMs = Date.now() - started;
    progress(`downloaded in ${seconds(downloadMs)}`);
  }
  const started = Date.now();
  const partial = await mkdtemp(join(dir, `${name}.unpack-`));
  progress(`unpacking ${tarball} (cached)`);
  try {
    await run('tar', ['-xzf', tarball, '-C', partial], UNPACK_TIMEOUT_MS);
    const unpacked = join(partial, name);
    if (!existsSync(join(unpacked, 'lib')) || !existsSync(join(unpacked, 'plugin'))) {
      throw new Error(
        `${tarball} did not hold ${name}/lib and ${name}/plugin; delete it to download it again`,
      );
    }
    await writeFile(join(unpacked, '.unpacked'), `${TRINO_TARBALL_URL}\n`);
    // Another run may have finished first (its copy is in use: keep it); a copy without the
    // marker is a leftover of an interrupted unpack.
    if (!existsSync(marker)) {
      if (existsSync(home)) await rm(home, { recursive: true, force: true });
      try {
        await rename(unpacked, home);
      } catch (err) {
        if (!existsSync(marker)) throw err;
      }
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  unpackMs = Date.now() - started;
  progress(`unpacked into ${home} in ${seconds(unpackMs)}`);
  return { home, downloadMs, unpackMs };
}

// ---------------------------------------------------------------------------------------------
// Client

export interface TrinoColumn {
  name: string;
  /** Trino's type signature, e.g. `varchar`, `map(varchar, varchar)`, `array(row(a integer))`. */
  type: string;
}

export interface TrinoResult {
  columns: TrinoColumn[];
  /** Values as Trino's protocol encodes them in JSON (dates as `YYYY-MM-DD`, maps as objects, rows as arrays). */
  rows: unknown[][];
}

export class TrinoQueryError extends Error {
  override name = 'TrinoQueryError';
  constructor(
    message: string,
    /** Trino's error name, e.g. `SYNTAX_ERROR`, `TABLE_NOT_FOUND`. */
    readonly errorName: string,
    readonly sql: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

interface FailureInfo {
  type?: string;
  message?: string;
  cause?: FailureInfo;
}

/** The causes under Trino's message (a file system or metastore error says what failed below it). */
function causes(info: FailureInfo | undefined): string {
  const out: string[] = [];
  for (let c = info?.cause; c && out.length < 5; c = c.cause)
    out.push(`${c.type ?? 'cause'}: ${c.message ?? ''}`);
  return out.length ? `\n  caused by ${out.join('\n  caused by ')}` : '';
}

interface StatementResponse {
  id?: string;
  nextUri?: string;
  columns?: { name: string; type: string }[];
  data?: unknown[][];
  stats?: TrinoQueryStats;
  error?: {
    message?: string;
    errorName?: string;
    errorType?: string;
    errorLocation?: { lineNumber?: number; columnNumber?: number };
    failureInfo?: FailureInfo;
  };
}

export interface TrinoSession {
  user?: string;
  catalog?: string;
  schema?: string;
  /** Session time zone; defaults to this process's, so `current_date` means the same day as DuckDB's. */
  timeZone?: string;
  /** Session properties (`X-Trino-Session`), e.g. `{ query_max_run_time: '10m' }`. */
  properties?: Record<string, string>;
}

/**
 * The `stats` of the statement protocol's last page (the query's totals when it finished): bytes
 * and rows the query processed, bytes read from storage, and its times (elapsed includes queueing
 * and planning; cpu and wall are summed over the tasks).
 */
export interface TrinoQueryStats {
  state?: string;
  elapsedTimeMillis?: number;
  queuedTimeMillis?: number;
  cpuTimeMillis?: number;
  wallTimeMillis?: number;
  processedRows?: number;
  processedBytes?: number;
  physicalInputBytes?: number;
  peakMemoryBytes?: number;
}

export interface TrinoResultWithStats extends TrinoResult {
  queryId: string | undefined;
  stats: TrinoQueryStats;
}

/** A minimal client of Trino's HTTP protocol: one statement at a time, every page collected. */
export class TrinoClient {
  constructor(
    readonly endpoint: string,
    readonly session: TrinoSession = {},
  ) {}

  withSession(session: TrinoSession): TrinoClient {
    return new TrinoClient(this.endpoint, { ...this.session, ...session });
  }

  private headers(): Record<string, string> {
    const s = this.session;
    const h: Record<string, string> = {
      'X-Trino-User': s.user ?? 'org-compliance',
      'X-Trino-Source': 'org-compliance-integration',
      'X-Trino-Time-Zone': s.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    };
    if (s.catalog) h['X-Trino-Catalog'] = s.catalog;
    if (s.schema) h['X-Trino-Schema'] = s.schema;
    const properties = Object.entries(s.properties ?? {});
    if (properties.length) {
      h['X-Trino-Session'] = properties.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
    }
    return h;
  }

  /** One request of the protocol; retries what Trino asks to retry (502/503/504). */
  private async request(method: 'GET' | 'POST', url: string, body?: string): Promise<StatementResponse> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(url, {
        method,
        headers: this.headers(),
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(120_000),
      });
      if ([502, 503, 504].includes(res.status) && attempt < 20) {
        await new Promise((r) => setTimeout(r, 100 * attempt));
        continue;
      }
      const text = await res.text();
      if (!res.ok) throw new Error(`Trino ${method} ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as StatementResponse;
    }
  }

  /** Runs one statement to the end. A failed statement throws a TrinoQueryError with Trino's message. */
  async query(sql: string): Promise<TrinoResult> {
    const { columns, rows } = await this.queryWithStats(sql);
    return { columns, rows };
  }

  /** The same, with the query's id and the statistics of the protocol's last page. */
  async queryWithStats(sql: string): Promise<TrinoResultWithStats> {
    let page = await this.request('POST', `${this.endpoint}/v1/statement`, sql);
    let columns: TrinoColumn[] | undefined;
    const rows: unknown[][] = [];
    const queryId = page.id;
    let stats: TrinoQueryStats = {};
    for (;;) {
      if (page.columns && !columns) columns = page.columns.map((c) => ({ name: c.name, type: c.type }));
      if (page.data) rows.push(...page.data);
      if (page.stats) stats = page.stats;
      if (page.error) {
        const e = page.error;
        const at = e.errorLocation;
        throw new TrinoQueryError(
          `${e.errorName ?? 'ERROR'}: ${e.message ?? 'query failed'}${causes(e.failureInfo)}`,
          e.errorName ?? 'ERROR',
          sql,
          at?.lineNumber,
          at?.columnNumber,
        );
      }
      if (!page.nextUri) break;
      page = await this.request('GET', page.nextUri);
    }
    return { columns: columns ?? [], rows, queryId, stats };
  }

  /** Rows as objects keyed by column name (values as the protocol encodes them). */
  async objects(sql: string): Promise<Record<string, unknown>[]> {
    const { columns, rows } = await this.query(sql);
    return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null])));
  }
}

// ---------------------------------------------------------------------------------------------
// Server

export interface StartTrinoOptions {
  /** Catalog name → its properties (`connector.name` included). */
  catalogs: Record<string, Record<string, string>>;
  /** JVM heap, e.g. `2G` (default). */
  heap?: string;
  /** `query.max-memory` and `query.max-memory-per-node`, e.g. `1GB` (default). */
  queryMaxMemory?: string;
  startupTimeoutMs?: number;
  /** Default session of `client`. */
  session?: TrinoSession;
}

export interface Trino {
  endpoint: string;
  port: number;
  /** Where the server writes its output. */
  log: string;
  /** Milliseconds from spawning the JVM to `/v1/info` saying it is no longer starting. */
  startMs: number;
  install: TrinoInstall;
  client: TrinoClient;
  stop(): Promise<void>;
}

/** Properties files: `key=value` lines (values here never hold line breaks). */
function properties(values: Record<string, string>): string {
  return `${Object.entries(values)
    .map(([k, v]) => {
      if (/[\r\n]/.test(k + v)) throw new Error(`property ${k} has a line break`);
      return `${k}=${v}`;
    })
    .join('\n')}\n`;
}

/**
 * Starts a single-node Trino (coordinator and worker in one JVM) on a free 127.0.0.1 port with
 * `catalogs`, and waits (bounded) until it serves queries. Only the plugins the catalogs name are
 * loaded (a plugin directory of links), which keeps the start short. The server's etc/ and data/
 * live in a temporary directory that `stop()` removes.
 */
export async function startTrino(options: StartTrinoOptions): Promise<Trino> {
  const [install, java] = await Promise.all([ensureTrino(), findJava()]);
  const launcher = await readFile(join(install.home, 'bin', 'launcher.properties'), 'utf8');
  const mainClass = /^main-class=(.+)$/m.exec(launcher)?.[1]?.trim() ?? 'io.trino.server.TrinoServer';

  const base = await mkdtemp(join(tmpdir(), 'org-compliance-trino-'));
  const etc = join(base, 'etc');
  const catalogDir = join(etc, 'catalog');
  const pluginDir = join(base, 'plugin');
  const dataDir = join(base, 'data');
  await Promise.all([mkdir(catalogDir, { recursive: true }), mkdir(pluginDir), mkdir(dataDir)]);
  const plugins = new Set(Object.values(options.catalogs).map((c) => c['connector.name'] ?? ''));
  for (const plugin of plugins) {
    const source = join(install.home, 'plugin', plugin);
    if (!plugin || !existsSync(source)) {
      throw new Error(
        `Trino ${TRINO_VERSION} has no plugin '${plugin}' (under ${join(install.home, 'plugin')})`,
      );
    }
    await symlink(source, join(pluginDir, plugin));
  }
  for (const [name, props] of Object.entries(options.catalogs)) {
    await writeFile(join(catalogDir, `${name}.properties`), properties(props));
  }
  const logs = join(tmpdir(), 'org-compliance-integration');
  await mkdir(logs, { recursive: true });
  const memory = options.queryMaxMemory ?? '1GB';
  const heap = options.heap ?? '2G';

  let lastError: unknown;
  // The free port can be taken between freePort() and the bind: try a few.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const log = join(logs, `trino-${port}-${Date.now()}.log`);
    await writeFile(
      join(etc, 'config.properties'),
      properties({
        coordinator: 'true',
        'node-scheduler.include-coordinator': 'true',
        'http-server.http.port': String(port),
        'discovery.uri': endpoint,
        'query.max-memory': memory,
        'query.max-memory-per-node': memory,
        'plugin.dir': pluginDir,
        'catalog.config-dir': catalogDir,
      }),
    );
    await writeFile(join(etc, 'log.properties'), properties({ 'io.trino': 'INFO' }));
    const args = [
      '-server',
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-XX:-OmitStackTraceInFastThrow',
      '-XX:+EnableDynamicAgentLoading',
      '-Djdk.attach.allowAttachSelf=true',
      '-Dfile.encoding=UTF-8',
      // node.properties, passed as system properties as bin/launcher does.
      '-Dnode.environment=test',
      // Listen and announce on loopback only.
      '-Dnode.bind-ip=127.0.0.1',
      '-Dnode.internal-address=127.0.0.1',
      `-Dnode.id=org-compliance-${port}`,
      `-Dnode.data-dir=${dataDir}`,
      `-Dconfig=${join(etc, 'config.properties')}`,
      `-Dlog.levels-file=${join(etc, 'log.properties')}`,
      '-cp',
      `${join(install.home, 'lib')}/*`,
      mainClass,
    ];
    progress(`starting Trino ${TRINO_VERSION} on 127.0.0.1:${port} with ${java.banner} (log: ${log})`);
    const started = Date.now();
    // Nothing from this environment that could carry real AWS credentials or settings reaches
    // the server's own SDK clients: the catalog properties say everything.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const server = spawnServer(java.java, args, { cwd: base, log, env });
    let exitCode: number | null | undefined;
    void server.exited.then((code) => {
      exitCode = code;
    });
    try {
      await waitFor(
        `Trino to finish starting on ${endpoint}`,
        async () => {
          if (exitCode !== undefined) throw new Error(`Trino exited (code ${exitCode})`);
          const res = await fetch(`${endpoint}/v1/info`, { signal: AbortSignal.timeout(5_000) });
          if (!res.ok) return false;
          return ((await res.json()) as { starting?: boolean }).starting === false;
        },
        { timeoutMs: options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS, intervalMs: 500, log },
      );
    } catch (err) {
      await server.kill();
      lastError = err;
      if (exitCode !== undefined && /address already in use/i.test(tailLog(log, 80))) continue;
      await rm(base, { recursive: true, force: true });
      throw err;
    }
    const startMs = Date.now() - started;
    progress(`ready on port ${port} after ${seconds(startMs)}`);
    return {
      endpoint,
      port,
      log,
      startMs,
      install,
      client: new TrinoClient(endpoint, options.session ?? {}),
      async stop(): Promise<void> {
        await server.kill();
        await rm(base, { recursive: true, force: true });
        progress(`stopped (port ${port})`);
      },
    };
  }
  await rm(base, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

// ---------------------------------------------------------------------------------------------
// Catalogs

export interface AwsEmulator {
  /** e.g. http://127.0.0.1:5000 */
  endpoint: string;
  accessKey: string;
  secretKey: string;
}

/**
 * A Hive catalog over the Glue Data Catalog and S3, both at `aws.endpoint` (moto), as Athena reads
 * a Glue table: Athena's partition projection on, the native S3 file system with path-style
 * addressing, no metastore cache (a table changed by UpdateTable is seen by the next query), and
 * directory listings of `cachedTables` kept for the run (the snapshot files never change during it).
 */
export function glueHiveCatalog(
  aws: AwsEmulator,
  options: {
    glueRegion: string;
    s3Region: string;
    cachedTables?: string[];
  },
): Record<string, string> {
  return {
    'connector.name': 'hive',
    'hive.metastore': 'glue',
    'hive.metastore.glue.region': options.glueRegion,
    'hive.metastore.glue.endpoint-url': aws.endpoint,
    'hive.metastore.glue.aws-access-key': aws.accessKey,
    'hive.metastore.glue.aws-secret-key': aws.secretKey,
    'hive.metastore-cache-ttl': '0s',
    // Statistics only steer the planner; moto has no GetColumnStatisticsForPartition (HTTP 500,
    // retried by the Glue client), so asking for them only costs time.
    'hive.table-statistics-enabled': 'false',
    'hive.partition-projection-enabled': 'true',
    // Athena fails a row (here: a snapshot file, one JSON line) over 32 MB; Trino's default limit
    // is 100MB. The suite's Trino is as strict as Athena.
    'hive.text.max-line-length': '32MB',
    ...(options.cachedTables?.length
      ? {
          'hive.file-status-cache-tables': options.cachedTables.join(','),
          'hive.file-status-cache-expire-time': '1h',
        }
      : {}),
    'fs.native-s3.enabled': 'true',
    // moto is one Python process: a bounded number of connections and patience when it is busy,
    // rather than the default flood (500) whose connects time out. (Trino's file system cache,
    // fs.cache.*, was tried and dropped: it adds a HEAD per file and saved nothing here.)
    's3.max-connections': '24',
    's3.socket-connect-timeout': '30s',
    'hive.metastore.glue.max-connections': '8',
    's3.endpoint': aws.endpoint,
    's3.region': options.s3Region,
    's3.path-style-access': 'true',
    's3.aws-access-key': aws.accessKey,
    's3.aws-secret-key': aws.secretKey,
  };
}
