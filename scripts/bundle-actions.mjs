#!/usr/bin/env node
// Bundles each action (src/actions/<name>/index.ts) with esbuild into actions/<name>/dist/: an
// ES module entry, chunks split at every dynamic import() so that what only some runs need (the
// AWS SDK clients, the GitHub client, QuickSight's schemas) loads when it is used, a package.json
// that marks the files as ES modules, and licenses.txt for every package inside.
//
// Every action directory is self-contained: GitHub runs `node dist/index.js` from a checkout that
// has no node_modules. The local target's engine (DuckDB, a native module; the SQL transpiler,
// WebAssembly; ECharts for the dashboard pages; playwright-core for screenshots) stays outside the
// bundles and is only reached through import() on the `target: local` path, which needs `npm ci`
// (the loader also tries the SQL parser to check sql/views/, and skips that check without it).
// The build refuses a bundle whose start-up imports any of them, or that grows past MAX_BYTES.
//
// With --check, builds in memory and fails when the committed files differ, so a change to src/
// cannot land without its rebuilt bundle.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import * as esbuild from 'esbuild';

export const ACTIONS = ['plan', 'apply', 'discover', 'report'];
/** Packages only the local target loads; a bundle never contains them and never imports them at start-up. */
export const LOCAL_ENGINE = ['@duckdb/node-api', '@polyglot-sql/sdk', 'echarts', 'playwright-core'];
/** The most a committed action directory's dist/ may weigh, every file counted. */
export const MAX_BYTES = 3_000_000;

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');

// The bundle is an ES module; the CommonJS packages inside it still call require() for Node's
// own modules and read __dirname, which ES modules do not define.
const BANNER = [
  "import{createRequire as __ocRequire}from'node:module';",
  "import{fileURLToPath as __ocPath}from'node:url';",
  "import{dirname as __ocDirname}from'node:path';",
  'const require=__ocRequire(import.meta.url);',
  'const __filename=__ocPath(import.meta.url);',
  'const __dirname=__ocDirname(__filename);',
].join('');

function isBuiltin(path) {
  return path.startsWith('node:') || builtinModules.includes(path.split('/')[0]);
}

/** The files esbuild makes for one action: path relative to dist/ → contents. */
async function build(name) {
  const outdir = join(root, 'actions', name, 'dist');
  const result = await esbuild.build({
    entryPoints: { index: join(root, 'src/actions', name, 'index.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    chunkNames: 'chunks/[name]-[hash]',
    outdir,
    absWorkingDir: root,
    write: false,
    metafile: true,
    logLevel: 'warning',
    external: LOCAL_ENGINE.flatMap((p) => [p, `${p}/*`]),
    banner: { js: BANNER },
    mainFields: ['module', 'main'],
  });
  const files = new Map();
  for (const f of result.outputFiles) files.set(relative(outdir, f.path), Buffer.from(f.contents));
  files.set('package.json', Buffer.from('{"type":"module"}\n'));
  files.set('licenses.txt', Buffer.from(licenses(result.metafile)));
  verify(name, result.metafile, files);
  return files;
}

/** Refuses a bundle that loads the local engine at start-up or is too big. */
function verify(name, metafile, files) {
  const outputs = metafile.outputs;
  // Every import() target is an entry point too; the action's own is the one named index.js.
  const entry = Object.keys(outputs).find((p) => p === `actions/${name}/dist/index.js`);
  const seen = new Set();
  const offending = [];
  const walk = (p) => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const i of outputs[p]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) {
        if (!isBuiltin(i.path)) offending.push(`${p} imports ${i.path}`);
      } else walk(i.path);
    }
  };
  walk(entry);
  startupBytes.set(
    name,
    [...seen].reduce((n, p) => n + (outputs[p]?.bytes ?? 0), 0),
  );
  if (offending.length) {
    throw new Error(
      `actions/${name}: the bundle loads the local engine at start-up (${offending.join('; ')}); ` +
        'load it with import() on the target local path only, or a runner without node_modules cannot start the action',
    );
  }
  const bytes = [...files.values()].reduce((n, b) => n + b.length, 0);
  if (bytes > MAX_BYTES) {
    throw new Error(`actions/${name}/dist weighs ${bytes} bytes, more than the ${MAX_BYTES} allowed`);
  }
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

/** Name, version, licence and licence text of every package with code in the bundle. */
function licenses(metafile) {
  const packages = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (!bytesInOutput) continue;
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) packages.set(m[1], true);
    }
  }
  const entries = [];
  for (const dir of packages.keys()) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir)).find((f) => LICENSE_FILE.test(f));
    const text = file
      ? readFileSync(join(root, dir, file), 'utf8').trim()
      : '(no licence file in the package)';
    entries.push({ id: `${pkg.name}@${pkg.version}`, license: pkg.license ?? 'UNKNOWN', text });
  }
  // Most packages share one of a few licence texts (the AWS SDK's hundred packages one Apache
  // 2.0 text): each text is written once, after the packages it covers.
  const byText = new Map();
  for (const e of entries) {
    const group = byText.get(e.text) ?? new Set();
    group.add(`${e.id} (${e.license})`);
    byText.set(e.text, group);
  }
  return [...byText.entries()]
    .map(([text, ids]) => ({ ids: [...ids].sort(), text }))
    .sort((a, b) => (a.ids[0] < b.ids[0] ? -1 : 1))
    .map(({ ids, text }) => `${ids.join('\n')}\n\n${text}\n`)
    .join(`\n${'-'.repeat(78)}\n\n`);
}

function committedFiles(dir) {
  if (!existsSync(dir)) return new Map();
  const out = new Map();
  for (const f of readdirSync(dir, { recursive: true }).map(String)) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out.set(f, readFileSync(p));
  }
  return out;
}

/** Bytes of JavaScript each action loads before its first line (the entry and its static imports). */
const startupBytes = new Map();
let stale = 0;
for (const name of ACTIONS) {
  const dir = join(root, 'actions', name, 'dist');
  const fresh = await build(name);
  const bytes = [...fresh.values()].reduce((n, b) => n + b.length, 0);
  if (!check) {
    rmSync(dir, { recursive: true, force: true });
    for (const [f, contents] of fresh) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), contents);
    }
    console.log(
      `bundled actions/${name}/dist: ${fresh.size} files, ${(bytes / 1e6).toFixed(2)} MB (${(startupBytes.get(name) / 1e6).toFixed(2)} MB loaded at start-up)`,
    );
    continue;
  }
  const committed = committedFiles(dir);
  const differing = [...new Set([...committed.keys(), ...fresh.keys()])]
    .filter((f) => !committed.get(f)?.equals(fresh.get(f) ?? Buffer.alloc(0)) || !fresh.has(f))
    .sort();
  if (differing.length) {
    stale++;
    console.error(`actions/${name}/dist is out of date: ${differing.join(', ')}`);
  } else console.log(`actions/${name}/dist matches the source (${(bytes / 1e6).toFixed(2)} MB)`);
}
if (stale) {
  console.error("Run 'npm run bundle' and commit actions/*/dist.");
  process.exit(1);
}
