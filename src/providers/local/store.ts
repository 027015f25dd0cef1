import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import type { OrganizationSnapshot } from '../../model/provider.js';
import type { QuickSightKind, QuickSightProperties } from '../../model/quicksight.js';
import type {
  AthenaViewProperties,
  ConfigRuleProperties,
  GlueTableProperties,
} from '../../model/resources.js';
import { jsonFieldError, parseOrgJson, parseStateJson } from './json-file.js';

export const DEFAULT_LOCAL_DIR = '.org-compliance';

/** What the local target has "deployed". */
export interface LocalState {
  version: 1;
  /** region → rule name → properties and deployment status. */
  configRules: Record<string, Record<string, ConfigRuleProperties & { status: string }>>;
  /** region → `db.table` → properties. */
  glueTables: Record<string, Record<string, GlueTableProperties>>;
  /** region → `db.view` → properties. */
  athenaViews: Record<string, Record<string, AthenaViewProperties>>;
  /** kind → resource key → resolved, normalised properties (as the aws target reads them back). */
  quicksight: Partial<Record<QuickSightKind, Record<string, QuickSightProperties>>>;
}

const orgJsonSchema = z.strictObject({
  organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/),
  accounts: z.array(
    z.strictObject({
      id: z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit account id string' }),
      name: z.string().min(1),
      state: z.enum(['PENDING_ACTIVATION', 'ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']),
      ouPath: z.string().startsWith('/'),
      joined: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    }),
  ),
});

function emptyState(): LocalState {
  return { version: 1, configRules: {}, glueTables: {}, athenaViews: {}, quicksight: {} };
}

/**
 * The local target's directory: `org.json` (the Organization), `s3/<bucket>/<key>` (snapshot
 * files) and `state.json` (what is deployed). Every change is one atomic write of state.json.
 */
export class LocalStore {
  private writes = 0;
  private state: LocalState | undefined;
  /** Updates run one after another: each is a read-modify-write of the whole file. */
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly dir: string) {}

  get orgPath(): string {
    return join(this.dir, 'org.json');
  }

  get statePath(): string {
    return join(this.dir, 'state.json');
  }

  s3Path(bucket: string, key = ''): string {
    return join(this.dir, 's3', bucket, key);
  }

  writeCount(): number {
    return this.writes;
  }

  /** An object of the local S3 tree, or undefined when there is none (S3's NoSuchKey). */
  async readObject(bucket: string, key: string): Promise<string | undefined> {
    try {
      return await readFile(this.s3Path(bucket, key), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Writes an object of the local S3 tree at once (a temporary file, then rename), as PutObject does. */
  async writeObject(bucket: string, key: string, body: string): Promise<void> {
    const path = this.s3Path(bucket, key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
    this.writes++;
  }

  async readOrganization(): Promise<OrganizationSnapshot> {
    let text: string;
    try {
      text = await readFile(this.orgPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          `${this.orgPath} not found: the local target needs an Organization. Run 'org-compliance demo' to generate one, or write it in the documented shape.`,
        );
      }
      throw e;
    }
    // Every account once and well formed first (naming each problem with its line), then the rest.
    return parseOrgJson(this.orgPath, text, (data) => {
      const parsed = orgJsonSchema.safeParse(data);
      if (parsed.success) return parsed.data;
      const first = parsed.error.issues[0];
      throw jsonFieldError(
        this.orgPath,
        text,
        (first?.path ?? []) as (string | number)[],
        first?.message ?? 'invalid',
      );
    });
  }

  async load(): Promise<LocalState> {
    if (this.state) return this.state;
    try {
      // A damaged or newer file is refused with where and why, and never written over.
      const data = parseStateJson(
        this.statePath,
        await readFile(this.statePath, 'utf8'),
      ) as unknown as LocalState;
      this.state = { ...emptyState(), ...data };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.state = emptyState();
    }
    return this.state;
  }

  /** Changes the state and writes it at once (write to a temporary file, then rename). */
  update(mutate: (state: LocalState) => void): Promise<void> {
    const next = this.queue.then(() => this.write(mutate));
    this.queue = next.catch(() => {});
    return next;
  }

  private async write(mutate: (state: LocalState) => void): Promise<void> {
    const state = await this.load();
    mutate(state);
    await mkdir(dirname(this.statePath), { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(tmp, this.statePath);
    this.writes++;
  }
}
