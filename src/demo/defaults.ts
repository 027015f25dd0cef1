/** The demo's defaults and options, apart from the demo itself so that the CLI can show them without loading it. */

export const DEMO_DEFAULTS = { accounts: 40, regions: 3, days: 30, seed: 20210401 };

export interface DemoOptions {
  localDir: string;
  root: string;
  accounts: number;
  regions: number;
  days: number;
  seed: number;
}
