import * as z from 'zod';
import type { DataRoles, OrgConfig } from '../model/config.js';
import { daysBetween, isCalendarDate } from '../model/dates.js';
import { regionPartition, unknownRegionProblem } from '../model/regions.js';
import { present } from '../model/values.js';
import { reportSchemaIssues, strictMap } from './schema.js';
import type { YamlFile } from './yaml-file.js';

export const ORG_FILE = 'config/org.yaml';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Glue/Athena identifiers we are willing to put into SQL and API calls unquoted. */
const GLUE_NAME = /^[a-z_][a-z0-9_]{0,254}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
  error: 'expected an IAM role ARN such as arn:aws:iam::111111111111:role/org-compliance-read',
});

/** A QuickSight user or group: its ARN, or `group/<name>` / `user/<name>` in quicksight.namespace. */
export const QUICKSIGHT_PRINCIPAL =
  /^(arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/[\w.@+=,-]+\/[\w.@+=,/-]+|(user|group)\/[\w.@+=,/-]+)$/;

const quickSightPrincipal = z.string().regex(QUICKSIGHT_PRINCIPAL, {
  error:
    'expected a QuickSight group or user: group/<name>, user/<name>, or an ARN such as arn:aws:quicksight:us-east-1:222222222222:group/default/org-compliance-admins',
});

/** A Region that exists (a code shaped like one, such as eu-west-9, is not enough). */
const region = z.string().superRefine((r, ctx) => {
  const problem = unknownRegionProblem(r);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * What the bucket-name pattern lets through that S3 refuses: two periods in a row, a name shaped
 * like an IP address, and the prefixes and suffixes S3 reserves.
 */
function bucketNameProblem(name: string): string | undefined {
  if (name.includes('..')) return `'${name}' has two periods in a row, which S3 bucket names cannot have`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name))
    return `'${name}' is shaped like an IP address, which S3 bucket names cannot be`;
  const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (prefix) return `'${name}' starts with '${prefix}', a prefix S3 reserves`;
  const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((p) => name.endsWith(p));
  if (suffix) return `'${name}' ends with '${suffix}', a suffix S3 reserves`;
  return undefined;
}

const bucketName = z
  .string()
  .regex(BUCKET, { error: 'expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)' })
  .superRefine((name, ctx) => {
    const problem = bucketNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const orgSchema = strictMap({
  organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, {
    error: "expected an organization id: 'o-' then 10 to 32 lower-case letters or digits",
  }),
  regions: z.array(region).min(1, { error: 'list at least one region' }),
  homeRegion: region,
  snapshots: strictMap({
    bucket: bucketName,
    prefix: z
      .string()
      .regex(/^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/, {
        error: "expected a key prefix without leading or trailing '/', or '' for none",
      })
      .default(''),
    orgIdInPath: z.boolean().default(false),
  }),
  projection: strictMap({
    startDate: z.string().regex(ISO_DATE, { error: "expected a date 'YYYY-MM-DD' (quote it)" }),
  }),
  glue: strictMap({
    database: z
      .string()
      .regex(GLUE_NAME, { error: 'expected lower-case letters, digits and _ (a Glue database name)' }),
    table: z
      .string()
      .regex(GLUE_NAME, { error: 'expected lower-case letters, digits and _ (a Glue table name)' }),
    region: region.optional(),
  }),
  ownership: strictMap({
    tagKey: z.string().min(1).max(128).default('managed-by'),
    tagValue: z.string().min(1).max(256).default('org-compliance'),
    descriptionMarker: z.string().min(1).max(40).default('[managed by org-compliance]'),
  }).default({
    tagKey: 'managed-by',
    tagValue: 'org-compliance',
    descriptionMarker: '[managed by org-compliance]',
  }),
  data: strictMap({
    bucket: bucketName.optional(),
    prefix: z
      .string()
      .regex(/^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/, {
        error: "expected a key prefix without leading or trailing '/', or '' for none",
      })
      .default('org-compliance'),
  }).default({ prefix: 'org-compliance' }),
  closedAccountRetentionDays: z.number().int().min(0).max(36500).default(365),
  athena: strictMap({
    workgroup: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, {
        error: 'expected an Athena workgroup name (letters, digits, . _ -)',
      })
      .default('primary'),
    outputLocation: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/, {
        error: 'expected an S3 URI such as s3://acme-athena-results/org-compliance/',
      })
      .optional(),
  }).default({ workgroup: 'primary' }),
  compliance: strictMap({
    windowDays: z.number().int().min(1).max(90).default(7),
    staleAfterDays: z.number().int().min(1).max(90).default(2),
    trendDays: z.number().int().min(7).max(366).default(90),
    excludeTag: strictMap({ key: z.string().min(1).max(128), value: z.string().max(256) }).optional(),
  }).default({ windowDays: 7, staleAfterDays: 2, trendDays: 90 }),
  github: strictMap({ autoMergeAccounts: z.boolean().default(false) }).default({ autoMergeAccounts: false }),
  report: strictMap({
    recipients: z
      .array(z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'expected an e-mail address' }))
      .max(50)
      .default([]),
    from: z
      .string()
      .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'expected an e-mail address verified in SES' })
      .optional(),
    // Put into the report's links: https only (a javascript: or data: URL would run in a reader's browser).
    dashboardUrl: z.url({ protocol: /^https$/, error: 'expected an https:// URL' }).optional(),
  }).default({ recipients: [] }),
  quicksight: strictMap({
    accountId: z
      .string()
      .regex(/^\d{12}$/, { error: "expected a 12-digit AWS account id (quote it: '222222222222')" })
      .optional(),
    region: region.optional(),
    identityRegion: region.default('us-east-1'),
    namespace: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,64}$/, { error: 'expected a QuickSight namespace name' })
      .default('default'),
    owners: z.array(quickSightPrincipal).max(100).default([]),
    viewers: z.array(quickSightPrincipal).max(100).default([]),
    viewersCanAuthor: z.boolean().default(false),
  }).default({
    identityRegion: 'us-east-1',
    namespace: 'default',
    owners: [],
    viewers: [],
    viewersCanAuthor: false,
  }),
  roles: strictMap({
    management: strictMap({ read: roleArn, write: roleArn }).optional(),
    // compact: the nightly job's compaction (snapshot reads, the compacted tables); absent, write.
    data: strictMap({ read: roleArn, write: roleArn, compact: roleArn.optional() }).optional(),
  }).default({}),
});

/**
 * The tool's own data must stay out of the snapshot table's location, or Athena would read it as
 * Config snapshots (and the other way round).
 */
function checkDataLocation(file: YamlFile, o: z.infer<typeof orgSchema>): void {
  const bucket = o.data.bucket ?? o.snapshots.bucket;
  if (bucket !== o.snapshots.bucket) return;
  const snapshots = [o.snapshots.prefix, o.snapshots.orgIdInPath ? o.organizationId : '', 'AWSLogs']
    .filter((p) => p !== '')
    .join('/');
  const data = o.data.prefix;
  const inside = (a: string, b: string) => b === '' || a === b || a.startsWith(`${b}/`);
  if (inside(data, snapshots) || inside(snapshots, data)) {
    file.error(
      ['data', 'prefix'],
      `'${data}' overlaps the Config snapshots under s3://${bucket}/${snapshots}/ in the same bucket: choose a prefix outside it, such as 'org-compliance'`,
    );
  }
}

/**
 * Every region written in the file lies in the partition of the first of `regions`: an
 * organization, its bucket and its roles live in one partition (aws, aws-cn, aws-us-gov, …).
 */
function checkOnePartition(file: YamlFile, o: z.infer<typeof orgSchema>): void {
  const first = o.regions[0] as string;
  const partition = regionPartition(first);
  const written: [(string | number)[], string | undefined][] = [
    ...o.regions.map((r, i): [(string | number)[], string] => [['regions', i], r]),
    [['homeRegion'], o.homeRegion],
    [['glue', 'region'], o.glue.region],
    [['quicksight', 'region'], o.quicksight.region],
  ];
  for (const [path, r] of written) {
    if (r === undefined || regionPartition(r) === partition) continue;
    file.error(
      path,
      `'${r}' is in the ${regionPartition(r)} partition, but regions starts with ${first} (${partition}): an organization lives in one partition; list regions of ${partition} only`,
    );
    return;
  }
}

/** The compliance windows fit inside each other: stale within the window, the window within the trend. */
function checkComplianceWindows(file: YamlFile, c: z.infer<typeof orgSchema>['compliance']): void {
  if (c.windowDays > c.trendDays) {
    file.error(
      ['compliance', 'windowDays'],
      `${c.windowDays} days is longer than trendDays (${c.trendDays}): the views read the trend's days only, so the window would end at ${c.trendDays}; set windowDays to at most ${c.trendDays}, or raise trendDays`,
    );
  }
  if (c.staleAfterDays > c.windowDays) {
    file.error(
      ['compliance', 'staleAfterDays'],
      `${c.staleAfterDays} days is longer than windowDays (${c.windowDays}): an account/region would leave the score before it is flagged stale; set staleAfterDays to at most ${c.windowDays}`,
    );
  }
}

/** roles.data as given: `compact` only when it is written (compaction falls back to `write`). */
function dataRoles(data: z.infer<typeof orgSchema>['roles']['data']): DataRoles | undefined {
  if (!data) return undefined;
  return { read: data.read, write: data.write, ...present({ compact: data.compact }) };
}

export interface OrgCheckContext {
  /** `YYYY-MM-DD`: the projection cannot start after it. Undefined: not checked. */
  today?: string | undefined;
}

export function parseOrg(file: YamlFile, ctx: OrgCheckContext = {}): OrgConfig | undefined {
  const data = file.data();
  const result = orgSchema.safeParse(data ?? {});
  if (!result.success) {
    reportSchemaIssues(file, result.error, data);
    return undefined;
  }
  const o = result.data;
  if (!o.regions.includes(o.homeRegion)) {
    file.error(['homeRegion'], `'${o.homeRegion}' is not in regions (${o.regions.join(', ')})`);
  }
  const seen = new Set<string>();
  o.regions.forEach((r, i) => {
    if (seen.has(r)) file.error(['regions', i], `region '${r}' is listed twice`);
    seen.add(r);
  });
  if (!isCalendarDate(o.projection.startDate)) {
    file.error(
      ['projection', 'startDate'],
      `'${o.projection.startDate}' is not a calendar date: that day does not exist; expected a real date 'YYYY-MM-DD'`,
    );
  } else if (ctx.today !== undefined && daysBetween(ctx.today, o.projection.startDate) > 0) {
    file.error(
      ['projection', 'startDate'],
      `${o.projection.startDate} is in the future (today is ${ctx.today}): the projection runs from startDate to today, so it would hold no day; use the first day of snapshots you want to read, today or earlier`,
    );
  }
  checkOnePartition(file, o);
  checkComplianceWindows(file, o.compliance);
  checkDataLocation(file, o);
  // The optional values are objects, or strings whose patterns rule out '': present() leaves out
  // exactly the ones not given.
  return {
    organizationId: o.organizationId,
    regions: o.regions,
    homeRegion: o.homeRegion,
    snapshots: o.snapshots,
    projection: o.projection,
    glue: { database: o.glue.database, table: o.glue.table, region: o.glue.region ?? o.homeRegion },
    ownership: o.ownership,
    data: { bucket: o.data.bucket ?? o.snapshots.bucket, prefix: o.data.prefix },
    closedAccountRetentionDays: o.closedAccountRetentionDays,
    athena: { workgroup: o.athena.workgroup, ...present({ outputLocation: o.athena.outputLocation }) },
    compliance: {
      windowDays: o.compliance.windowDays,
      staleAfterDays: o.compliance.staleAfterDays,
      trendDays: o.compliance.trendDays,
      ...present({ excludeTag: o.compliance.excludeTag }),
    },
    github: { autoMergeAccounts: o.github.autoMergeAccounts },
    report: {
      recipients: o.report.recipients,
      ...present({ from: o.report.from, dashboardUrl: o.report.dashboardUrl }),
    },
    quicksight: {
      ...present({ accountId: o.quicksight.accountId }),
      region: o.quicksight.region ?? o.glue.region ?? o.homeRegion,
      identityRegion: o.quicksight.identityRegion,
      namespace: o.quicksight.namespace,
      owners: o.quicksight.owners,
      viewers: o.quicksight.viewers,
      viewersCanAuthor: o.quicksight.viewersCanAuthor,
    },
    roles: present({ management: o.roles.management, data: dataRoles(o.roles.data) }),
  };
}
