import { resolve } from 'node:path';
import { checkLocalEngine, loadLocalEngine } from './engines/local-engine.js';
import type { OrgConfig, TargetMode } from './model/config.js';
import type { ProgressReporter, Target } from './model/provider.js';
import { present } from './model/values.js';
import { DEFAULT_LOCAL_DIR } from './providers/local/store.js';
import type { AnalysisSource } from './quicksight/analysis-export.js';

export type TargetName = 'aws' | 'local';
export const TARGET_NAMES: readonly TargetName[] = ['aws', 'local'];

export interface TargetOptions {
  localDir?: string;
  /** aws: assume the read roles (plan, discover), the write roles (apply) or the compact role (compact) of config/org.yaml. */
  mode?: TargetMode;
  /** The day the local engine takes as today (the dt projection's NOW). */
  today?: string;
  progress?: ProgressReporter;
}

/**
 * Builds a target. Each target's code is loaded when it is asked for: the AWS SDK only for aws,
 * the local engine (from node_modules, see engines/local-engine.ts) only for local.
 */
export async function createTarget(
  name: TargetName,
  org: OrgConfig,
  options: TargetOptions = {},
): Promise<Target> {
  if (name === 'local') {
    checkLocalEngine('The local target');
    const { createLocalTarget } = await loadLocalEngine(
      'The local target',
      () => import('./providers/local/target.js'),
    );
    return createLocalTarget(org, resolve(options.localDir ?? DEFAULT_LOCAL_DIR), {
      ...(options.today ? { today: options.today } : {}),
      ...present({ progress: options.progress }),
    });
  }
  const { createAwsTarget } = await import('./providers/aws/target.js');
  return createAwsTarget(org, {
    mode: options.mode ?? 'read',
    ...present({ progress: options.progress }),
  });
}

/**
 * Where `export-quicksight` reads analyses: QuickSight itself with the read roles (aws), or the
 * local target's state.json (local).
 */
export async function createAnalysisSource(
  name: TargetName,
  org: OrgConfig,
  options: TargetOptions = {},
): Promise<AnalysisSource> {
  if (name === 'local') {
    const [{ localAnalysisSource }, { LocalStore }] = await Promise.all([
      import('./providers/local/analysis-source.js'),
      import('./providers/local/store.js'),
    ]);
    return localAnalysisSource(new LocalStore(resolve(options.localDir ?? DEFAULT_LOCAL_DIR)), org);
  }
  const { createAwsTarget } = await import('./providers/aws/target.js');
  return createAwsTarget(org, {
    mode: 'read',
    ...present({ progress: options.progress }),
  }).quickSightAnalyses();
}
