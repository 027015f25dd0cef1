/**
 * Delivery of the compliance report beyond the job summary: e-mail through Amazon SES (SESv2
 * SendEmail) and a Slack-compatible chat webhook (JSON `{text}`). Addresses and the webhook URL
 * are never written to the log or to error messages: errors name what failed, with them redacted.
 */

import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { errorMessage } from '../../model/errors.js';
import { withoutAddresses } from '../../model/redact.js';
import { changesSentence } from '../../report/changes.js';
import type { ComplianceReport, ReportContext } from '../../report/compliance.js';
import { percent } from '../../report/compliance.js';
import { neverDeliveredTitle, snapshotDelivery, stoppedTitle } from '../../report/snapshot-delivery.js';
import { VERSION } from '../../version.js';

/** SES takes at most 50 destinations per message. */
export const SES_MAX_RECIPIENTS = 50;

export interface EmailSettings {
  from: string;
  recipients: string[];
  region: string;
}

export interface Delivery {
  email?: EmailSettings;
  webhookUrl?: string;
  dryRun: boolean;
}

export interface DeliveryDeps {
  ses?: (region: string) => Pick<SESv2Client, 'send'>;
  fetch?: typeof globalThis.fetch;
  log?: (message: string) => void;
}

/** Replaces every secret (as is and URL-encoded, longest first) and anything shaped like an e-mail address. */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = [...new Set(secrets.flatMap((s) => (s ? [s, encodeURIComponent(s)] : [])))];
  let out = text;
  for (const form of forms.sort((a, b) => b.length - a.length)) out = out.split(form).join('***');
  return withoutAddresses(out);
}

/**
 * What of a webhook URL is secret: the whole URL, and its path and query alone (the host is
 * public; the path is the credential), with each path segment long enough to be a token (12
 * characters or more: not `services` or `webhooks`).
 */
export function webhookSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const tail = `${parsed.pathname}${parsed.search}`;
  const segments = parsed.pathname.split('/').filter((part) => part.length >= 12);
  return [url, ...(tail.length > 1 ? [tail] : []), ...segments];
}

export function isEmailAddress(s: string): boolean {
  return /^[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}$/.test(s);
}

export function reportSubject(r: ComplianceReport): string {
  return `Compliance report ${r.asOf}: score ${percent(r.totals.score)}`;
}

/** The short form for chat: the score and its change, the worst accounts and rules, what needs a look. */
export function renderReportChat(r: ComplianceReport, ctx: ReportContext, top = 5): string {
  const change =
    ctx.scoreWeekAgo !== null && r.totals.score !== null
      ? ` (${r.totals.score >= ctx.scoreWeekAgo ? '+' : ''}${((r.totals.score - ctx.scoreWeekAgo) * 100).toFixed(1)} points since a week ago)`
      : '';
  const lines = [
    `*${reportSubject(r)}*${change}: ${r.totals.nonCompliant} non-compliant evaluations in ${r.accounts.length} accounts.`,
    `${changesSentence(r.changes)}.`,
  ];
  const scored = r.accounts.filter((a) => a.score !== null);
  if (scored.length)
    lines.push(
      `Accounts to fix first: ${named(
        scored.map((a) => `${a.name} (${a.accountId}) ${percent(a.score)}`),
        top,
      )}.`,
    );
  const rules = r.rules.filter((x) => x.nonCompliant > 0);
  if (rules.length)
    lines.push(
      `Rules followed least: ${named(
        rules.map((x) => `${x.rule} (${x.accountsNonCompliant} accounts)`),
        top,
      )}.`,
    );
  lines.push(...snapshotDeliveryChat(r, top));
  if (ctx.expiringExceptions.length)
    lines.push(
      `Exceptions expiring within 30 days: ${ctx.expiringExceptions.map((e) => `${e.id} (${e.expires})`).join(', ')}.`,
    );
  if (ctx.dashboardUrl) lines.push(`Dashboard: ${ctx.dashboardUrl}`);
  return lines.join('\n');
}

/** The first `top` of `names`, and "(5 of 40 shown)" when there are more. */
function named(names: string[], top: number): string {
  const shown = names.slice(0, top).join(', ');
  return names.length > top ? `${shown} (${top} of ${names.length} shown)` : shown;
}

/** One line per group: who never delivered a snapshot, who stopped; at most `top` named in each. */
function snapshotDeliveryChat(r: ComplianceReport, top: number): string[] {
  const d = snapshotDelivery(r.stale, r.asOf);
  const lines: string[] = [];
  if (d.neverDelivered.length)
    lines.push(
      `${neverDeliveredTitle(d)}: ${named(
        d.neverDelivered.map((a) => `${a.name} (${a.accountId})`),
        top,
      )}.`,
    );
  if (d.stopped.length)
    lines.push(
      `${stoppedTitle(d)}: ${named(
        d.stopped.map((s) => `${s.name} (${s.accountId}) ${s.region} since ${s.lastSnapshot}`),
        top,
      )}.`,
    );
  return lines;
}

export function sesClient(region: string): SESv2Client {
  return new SESv2Client({ region, customUserAgent: `org-compliance/${VERSION}` });
}

export async function sendReportEmail(
  client: Pick<SESv2Client, 'send'>,
  settings: EmailSettings,
  message: { subject: string; html: string; text: string },
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < settings.recipients.length; i += SES_MAX_RECIPIENTS) {
    const to = settings.recipients.slice(i, i + SES_MAX_RECIPIENTS);
    try {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: settings.from,
          Destination: { ToAddresses: to },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Html: { Data: message.html, Charset: 'UTF-8' },
                Text: { Data: message.text, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );
    } catch (e) {
      const name = (e as Error).name;
      throw new Error(
        `Could not send the report through Amazon SES in ${settings.region} (${sent} of ${settings.recipients.length} recipients done): ${name}: ${redact(errorMessage(e), [settings.from, ...settings.recipients])}`,
      );
    }
    sent += to.length;
  }
  return sent;
}

export async function postReportToWebhook(
  url: string,
  text: string,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("Input 'webhook-url' is not a URL");
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`Input 'webhook-url' must be an https URL, got a ${parsed.protocol} URL`);
  let status: number;
  try {
    const res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(15_000),
    });
    status = res.status;
    await res.body?.cancel();
  } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? '';
    throw new Error(
      `Could not reach the chat webhook: ${redact(`${errorMessage(e)} ${cause}`.trim(), webhookSecrets(url))}`,
    );
  }
  if (status < 200 || status >= 300) throw new Error(`The chat webhook answered HTTP ${status}`);
}

/**
 * Sends the report by e-mail and to the webhook, whichever are configured. Both are attempted;
 * the errors (already redacted) are returned, not thrown, so one failing does not stop the other.
 */
export async function deliverReport(
  report: ComplianceReport,
  context: ReportContext,
  rendered: { markdown: string; html: string },
  delivery: Delivery,
  deps: DeliveryDeps = {},
): Promise<string[]> {
  const log = deps.log ?? (() => {});
  const errors: string[] = [];
  if (delivery.email) {
    const n = delivery.email.recipients.length;
    if (delivery.dryRun) log(`Dry run: the report would be e-mailed to ${n} recipient(s) through Amazon SES`);
    else {
      try {
        const client = (deps.ses ?? sesClient)(delivery.email.region);
        await sendReportEmail(client, delivery.email, {
          subject: reportSubject(report),
          html: rendered.html,
          text: rendered.markdown,
        });
        log(`Sent the report by e-mail to ${n} recipient(s)`);
      } catch (e) {
        errors.push(errorMessage(e));
      }
    }
  }
  if (delivery.webhookUrl) {
    if (delivery.dryRun) log('Dry run: the report would be posted to the chat webhook');
    else {
      try {
        await postReportToWebhook(delivery.webhookUrl, renderReportChat(report, context), deps.fetch);
        log('Posted the report to the chat webhook');
      } catch (e) {
        errors.push(redact(errorMessage(e), webhookSecrets(delivery.webhookUrl)));
      }
    }
  }
  return errors;
}
