/**
 * Nothing secret leaks (issue 14 item 6). Distinctive secrets are planted where a real run has
 * them — the chat webhook URL and the GitHub token as action inputs, a GitHub App private key and
 * AWS credentials in the environment, the report's recipients in config/org.yaml and as an input —
 * and an end-to-end run on the local target goes through every command of the CLI (validate,
 * plan, plan --json, apply, discover, report in every format, to stdout and to files) and every
 * action's entry point in this process (plan with its pull-request comment on a fake GitHub, apply
 * with its tip check, discover, report delivered by e-mail and to the webhook, then again with
 * both failing with the secrets in their error messages). Everything shown is captured: stdout and
 * stderr, the actions' outputs and the job summary, files written, PR comment and issue bodies, the
 * chat message and the e-mail. No form of any secret (as is, URL-encoded, base64, JSON-escaped,
 * the webhook's secret path, the key's body lines, an address's local part) may appear in any.
 */

import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaults as githubDefaults } from '@actions/github/lib/utils';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { FakeGitHub, FULL_GRANT } from '../github/fake-github.js';
import { serveFakeGitHub } from '../github/run-action.js';
import { editFile, scratchRepo } from '../helpers/repo.js';
import { type Captured, findLeaks, leakForms, maskedValues, runActionHere, shownLog } from './capture.js';

const TODAY = '2026-11-28';
const WEBHOOK_PATH = 'wHkLeakSecretPath8c1d7e';
const WEBHOOK = `https://hooks.slack.com/services/T0LEAK42/B0LEAK42/${WEBHOOK_PATH}`;
const TOKEN = 'ghs_LeakCanaryToken4f9e2d1c0b8a7f6e5d4c3b2a1';
const AWS_SECRET = 'LeakCanarySecretKey/9f8e7d6c5b4a3f2e1d0c9b8a7f6e';
const AWS_SESSION = 'IQoJb3JpZ2luLeakCanarySessionToken0123456789abcdef';
const RECIPIENTS = ['alice.leakcanary@secret-recipients.test', 'bob.leakcanary@secret-recipients.test'];
const SENDER = 'compliance-bot@example.org';
const { privateKey: APP_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
/** The key's base64 body lines: any one of them shown is the key shown. */
const KEY_LINES = APP_KEY.split('\n').filter((l) => l && !l.startsWith('-----'));

/** What each secret may leak as. */
const SECRETS: Record<string, string[]> = {
  'webhook URL': leakForms(WEBHOOK, [WEBHOOK_PATH, 'T0LEAK42/B0LEAK42']),
  'GitHub token': leakForms(TOKEN),
  'App private key': leakForms(APP_KEY, KEY_LINES),
  'AWS secret key': leakForms(AWS_SECRET),
  'AWS session token': leakForms(AWS_SESSION),
  ...Object.fromEntries(
    RECIPIENTS.map((r) => [`recipient ${r.split('@')[0]}`, leakForms(r, [r.split('@')[0] as string])]),
  ),
};

/** The environment of a run: the App key and AWS credentials are there, as on a runner that minted and assumed them. */
const SECRET_ENV: Record<string, string> = {
  GITHUB_TOKEN: TOKEN,
  GH_APP_PRIVATE_KEY: APP_KEY,
  AWS_ACCESS_KEY_ID: 'AKIALEAKCANARY000042',
  AWS_SECRET_ACCESS_KEY: AWS_SECRET,
  AWS_SESSION_TOKEN: AWS_SESSION,
  ORG_COMPLIANCE_WEBHOOK_URL: WEBHOOK,
};

const captured: Captured[] = [];
const show = (channel: string, text: string) => captured.push({ channel, text });

let root: string;
let localDir: string;
let work: string;
let gh: FakeGitHub;
let ghServer: { url: string; close: () => Promise<void> };
let summaryFile: string;
let pr: number;
type ActionRunner = () => Promise<void>;
let planAction: ActionRunner;
let applyAction: ActionRunner;
let discoverAction: ActionRunner;
let reportAction: ActionRunner;
let runCli: (argv: string[], io: Io) => Promise<number>;
const savedBaseUrl = githubDefaults.baseUrl ?? 'https://api.github.com';
const SHA = 'e'.repeat(40);

beforeAll(async () => {
  ({ root, localDir } = await scratchRepo());
  work = join(localDir, '..', 'work');
  await mkdir(localDir, { recursive: true });
  await mkdir(work, { recursive: true });
  await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
  await editFile(join(root, 'config/org.yaml'), (t) =>
    t.replace('  recipients: []', `  recipients: [${RECIPIENTS.join(', ')}]\n  from: ${SENDER}`),
  );
  gh = new FakeGitHub();
  gh.tokens.set(TOKEN, FULL_GRANT);
  pr = gh.addPull({ title: 'Tighten the access key rule', body: '', head: 'tighten', base: 'main' }).number;
  gh.commits.set(SHA, { files: ['config/rules.yaml'] });
  gh.branches.set('main', SHA);
  ghServer = await serveFakeGitHub(gh);
  // @actions/github reads GITHUB_API_URL once, when first imported (a runner sets it before the
  // process starts); here the fake's address is known only now, so its defaults are pointed at it.
  githubDefaults.baseUrl = ghServer.url;
  planAction = (await import('../../src/actions/plan/main.js')).run;
  applyAction = (await import('../../src/actions/apply/main.js')).run;
  discoverAction = (await import('../../src/actions/discover/main.js')).run;
  reportAction = (await import('../../src/actions/report/main.js')).run;
  runCli = (await import('../../src/cli/program.js')).runCli;
  summaryFile = join(work, 'step-summary.md');
  await writeFile(summaryFile, '');
});

afterAll(async () => {
  githubDefaults.baseUrl = savedBaseUrl;
  await ghServer?.close();
});

/** The CLI in this process with the secrets in its environment; what it prints is captured. */
async function cli(args: string[]): Promise<number> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ...process.env, ...SECRET_ENV },
    isTTY: false,
  };
  const saved = { ...process.env };
  Object.assign(process.env, SECRET_ENV);
  try {
    return await runCli(
      ['node', 'org-compliance', ...args, '--root', root, '--local-dir', localDir, '--today', TODAY],
      io,
    );
  } finally {
    for (const k of Object.keys(SECRET_ENV)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    show(`org-compliance ${args.join(' ')}: stdout`, out.join('\n'));
    show(`org-compliance ${args.join(' ')}: stderr`, err.join('\n'));
  }
}

/** A workflow step's environment: GitHub's variables, the fake GitHub, the secrets. */
async function stepEnv(event: object): Promise<Record<string, string>> {
  const eventPath = join(work, `event-${captured.length}.json`);
  await writeFile(eventPath, JSON.stringify(event));
  return {
    ...SECRET_ENV,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/compliance',
    GITHUB_API_URL: ghServer.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: SHA,
    GITHUB_WORKSPACE: root,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
}

const localInputs = () => ({ root, target: 'local', 'local-dir': localDir, today: TODAY });

async function action(name: string, run: () => Promise<void>, inputs: Record<string, string>, event: object) {
  const result = await runActionHere(run, inputs, await stepEnv(event), work, `${name}-${captured.length}`);
  show(`${name} action: log`, shownLog(result.stdout));
  show(`${name} action: stderr`, result.stderr);
  show(`${name} action: outputs`, result.outputs);
  return result;
}

describe('nothing secret leaks from an end-to-end run', () => {
  it('the CLI: validate, plan, plan --json, apply, discover, report in every format', async () => {
    expect(await cli(['validate'])).toBe(0);
    expect(await cli(['plan'])).toBe(2);
    expect(await cli(['plan', '--json'])).toBe(2);
    expect(await cli(['apply', '--auto-approve'])).toBe(0);
    expect(await cli(['plan', '-v'])).toBe(0);
    expect(await cli(['discover'])).toBe(0);
    for (const format of ['md', 'json', 'html']) {
      expect(await cli(['report', '--format', format])).toBe(0);
      const out = join(work, `report.${format}`);
      expect(await cli(['report', '--format', format, '--out', out])).toBe(0);
      show(`report --out report.${format}`, await readFile(out, 'utf8'));
    }
    for (const name of ['report.md', 'report.json', 'report.html']) {
      const file = await readFile(join(localDir, name), 'utf8').catch(() => undefined);
      if (file !== undefined) show(`${localDir}/${name}`, file);
    }
    const planJson = captured.find((c) => c.channel === 'org-compliance plan --json: stdout')?.text ?? '';
    expect(JSON.parse(planJson).summary).toEqual({ create: 240, update: 0, delete: 0, noop: 0 });
  }, 120_000);

  it('the actions: plan with its PR comment, apply, discover, report by e-mail and webhook', async () => {
    const prEvent = { pull_request: { number: pr }, repository: { default_branch: 'main' } };
    const plan = await action(
      'plan',
      planAction,
      { ...localInputs(), 'github-token': TOKEN, 'pr-comment': 'true' },
      prEvent,
    );
    expect(plan.exitCode, shownLog(plan.stdout)).toBe(0);
    expect(maskedValues(plan.stdout)).toContain(TOKEN);
    expect(gh.comments.filter((c) => c.issue === pr)).toHaveLength(1);

    const push = { repository: { default_branch: 'main' } };
    const applied = await action('apply', applyAction, { ...localInputs(), 'github-token': TOKEN }, push);
    expect(applied.exitCode, shownLog(applied.stdout)).toBe(0);
    expect(maskedValues(applied.stdout)).toContain(TOKEN);
    const found = await action('discover', discoverAction, localInputs(), push);
    expect(found.exitCode, shownLog(found.stdout)).toBe(0);

    // Delivered: SES and the webhook answer, what they were sent is what people read.
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const posted: string[] = [];
    vi.stubGlobal('fetch', async (url: string | URL, init?: RequestInit) => {
      expect(String(url)).toBe(WEBHOOK);
      posted.push(String(init?.body));
      return new Response('ok', { status: 200 });
    });
    const reportInputs = {
      ...localInputs(),
      format: 'html',
      out: join(work, 'action-report.html'),
      'webhook-url': WEBHOOK,
      'ses-from': SENDER,
    };
    try {
      const sent = await action('report', reportAction, reportInputs, push);
      expect(sent.exitCode, shownLog(sent.stdout)).toBe(0);
      // The runner is told to mask the URL, its secret path, and the recipients.
      expect(maskedValues(sent.stdout)).toEqual(
        expect.arrayContaining([
          WEBHOOK,
          `/services/T0LEAK42/B0LEAK42/${WEBHOOK_PATH}`,
          WEBHOOK_PATH,
          ...RECIPIENTS,
        ]),
      );
      show('report action: --out file', await readFile(reportInputs.out, 'utf8'));
      const mails = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
      expect(mails.map((m) => m.Destination?.ToAddresses)).toEqual([RECIPIENTS]);
      for (const m of mails) {
        const content = m.Content?.Simple;
        show(
          'e-mail subject and body',
          `${content?.Subject?.Data}\n${content?.Body?.Html?.Data}\n${content?.Body?.Text?.Data}`,
        );
      }
      expect(posted).toHaveLength(1);
      show('chat message', posted.join('\n'));

      // Failing: both services answer with the secrets in their messages, as real ones do.
      ses.reset();
      ses
        .on(SendEmailCommand)
        .rejects(
          Object.assign(
            new Error(
              `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${RECIPIENTS.join(', ')}`,
            ),
            { name: 'MessageRejected' },
          ),
        );
      vi.stubGlobal('fetch', async () => {
        throw new TypeError('fetch failed', {
          cause: new Error(`connect ECONNREFUSED for ${WEBHOOK} (${encodeURIComponent(WEBHOOK)})`),
        });
      });
      const failed = await action(
        'report',
        reportAction,
        { ...reportInputs, recipients: RECIPIENTS.join('\n') },
        push,
      );
      expect(failed.exitCode).toBe(1);
      expect(shownLog(failed.stdout)).toContain(
        '::error::The report is in the job summary, but delivery failed:',
      );
      expect(shownLog(failed.stdout)).toContain('Could not send the report through Amazon SES in eu-west-1');
      expect(shownLog(failed.stdout)).toContain('Could not reach the chat webhook');
    } finally {
      vi.unstubAllGlobals();
      ses.restore();
    }
  }, 120_000);

  it('no form of any secret is in anything shown', async () => {
    show('job summary', await readFile(summaryFile, 'utf8'));
    for (const c of gh.comments) show(`PR comment on #${c.issue}`, c.body);
    for (const i of gh.issues) show(`issue #${i.number}`, `${i.title}\n${i.body ?? ''}`);
    // The run showed what it should: the plan, the report, the comment.
    const all = captured.map((c) => c.text).join('\n');
    expect(all).toContain('Plan: 240 to create');
    expect(all).toContain('<!doctype html>');
    // The plan action ran after the CLI's apply: its comment says so.
    const comments = captured.filter((c) => c.channel.startsWith('PR comment'));
    expect(comments).toHaveLength(1);
    expect(comments[0]?.text).toMatch(/\b240\b/);
    expect(captured.length).toBeGreaterThan(40);
    expect(findLeaks(captured, SECRETS)).toEqual([]);
  });
});
