#!/usr/bin/env node
// Bundles each action (lib/actions/<name>/index.js, compiled by `npm run build`) with ncc into
// actions/<name>/dist/. With --check, bundles into a temporary directory and fails when the
// committed bundle differs, so a change to src/ cannot land without its rebuilt bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ACTIONS = ['plan', 'apply', 'discover', 'report'];
const check = process.argv.includes('--check');
const root = new URL('..', import.meta.url).pathname;

function files(dir) {
  if (!statSync(dir, { throwIfNoEntry: false })) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

function bundle(name, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(root, 'lib/actions', name, 'index.js'),
      '-o',
      outDir,
      '--minify',
      '--license',
      'licenses.txt',
      '--target',
      'es2022',
      // The local target's engine (DuckDB, a native module, and the SQL transpiler, WebAssembly)
      // stays out of the bundles: actions run against AWS, and only load it for --target local
      // inside a checkout that has node_modules (the tests, the CI demo).
      '--external',
      '@duckdb/node-api',
      '--external',
      '@polyglot-sql/sdk',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
}

let stale = 0;
for (const name of ACTIONS) {
  const committed = join(root, 'actions', name, 'dist');
  if (!check) {
    bundle(name, committed);
    console.log(`bundled actions/${name}/dist (${files(committed).length} files)`);
    continue;
  }
  const fresh = mkdtempSync(join(tmpdir(), `bundle-${name}-`));
  bundle(name, fresh);
  const a = files(committed);
  const b = files(fresh);
  const differing = [...new Set([...a, ...b])].filter(
    (f) =>
      !a.includes(f) ||
      !b.includes(f) ||
      !readFileSync(join(committed, f)).equals(readFileSync(join(fresh, f))),
  );
  if (differing.length) {
    stale++;
    console.error(`actions/${name}/dist is out of date: ${differing.join(', ')}`);
  } else console.log(`actions/${name}/dist matches the source`);
  rmSync(fresh, { recursive: true, force: true });
}
if (stale) {
  console.error(`Run 'npm run bundle' and commit ${relative(process.cwd(), join(root, 'actions'))}/*/dist.`);
  process.exit(1);
}
