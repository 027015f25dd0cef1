/**
 * Runs the jobs of one of our workflow files the way GitHub would decide them, for tests: a job's
 * `if:` and every `${{ … }}` in a step's `with:` are evaluated by GitHub's own expression engine
 * (@actions/expressions) over the contexts the test gives (github, inputs, vars, env, needs).
 * Steps that use our actions (`uses: ./actions/<name>`) are run by the caller (the committed bundle);
 * third-party steps (checkout, credentials) are the caller's set-up and are skipped.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/repo.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, string | boolean | number>;
}

interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export interface Contexts {
  github: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  needs?: Record<string, { outputs: Record<string, string>; result: string }>;
}

const CONTEXTS = ['github', 'inputs', 'vars', 'secrets', 'env', 'needs', 'steps', 'job', 'runner'];

export async function readWorkflow(name: string): Promise<Workflow> {
  return parse(await readFile(join(REPO_ROOT, '.github/workflows', name), 'utf8')) as Workflow;
}

function evaluate(expression: string, contexts: Record<string, unknown>): data.ExpressionData {
  const { tokens } = new Lexer(expression).lex();
  const expr = new Parser(tokens, CONTEXTS, []).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(expr, context).evaluate();
}

function truthy(value: data.ExpressionData): boolean {
  switch (value.kind) {
    case data.Kind.Null:
      return false;
    case data.Kind.Boolean:
      return (value as data.BooleanData).value;
    case data.Kind.Number:
      return (value as data.NumberData).value !== 0;
    case data.Kind.String:
      return (value as data.StringData).value !== '';
    default:
      return true;
  }
}

/** A value with `${{ … }}` parts replaced by what they evaluate to, as GitHub passes inputs (strings). */
export function interpolate(value: string | boolean | number, contexts: Record<string, unknown>): string {
  return String(value).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    evaluate(expression.trim(), contexts).coerceString(),
  );
}

export interface JobRun {
  ran: boolean;
  outputs: Record<string, string>;
}

/**
 * Decides and runs one job: its `if:` (a job without one runs when its needs succeeded), then each
 * step that uses one of our actions through `runAction(name, inputs)`, collecting step outputs
 * and the job's `outputs:`.
 */
export async function runJob(
  workflow: Workflow,
  name: string,
  contexts: Contexts,
  runAction: (action: string, inputs: Record<string, string>) => Promise<Record<string, string>>,
): Promise<JobRun> {
  const job = workflow.jobs[name];
  if (!job) throw new Error(`the workflow has no job ${name}`);
  const base: Record<string, unknown> = { inputs: {}, vars: {}, secrets: {}, needs: {}, ...contexts };
  base.env = Object.fromEntries(
    Object.entries(workflow.env ?? {}).map(([k, v]) => [k, interpolate(v, base)]),
  );
  if (job.if !== undefined) {
    const condition = job.if.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1');
    if (!truthy(evaluate(condition, base))) return { ran: false, outputs: {} };
  }
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  for (const step of job.steps) {
    const local = /^\.\/actions\/([a-z-]+)$/.exec(step.uses ?? '');
    if (!local) continue;
    const scope = { ...base, steps };
    const inputs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(v, scope)]),
    );
    const outputs = await runAction(local[1] as string, inputs);
    if (step.id) steps[step.id] = { outputs };
  }
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, { ...base, steps })]),
  );
  return { ran: true, outputs };
}
