#!/usr/bin/env node
// Writes the generated parts of bootstrap/ from src/providers/aws/permissions.ts: the policy
// statements between the '# generated: <role>' and '# end generated: <role>' markers of each
// template, and the Log Archive statements (bootstrap/log-archive/*.json). The renderer is
// TypeScript (src/providers/aws/policy-templates.ts); esbuild bundles it in memory first.
//
// With --check, writes nothing and fails when a committed file differs from what it would write.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');

const bundled = await esbuild.build({
  entryPoints: [join(root, 'src/providers/aws/policy-templates.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  write: false,
  absWorkingDir: root,
});
const code = bundled.outputFiles[0].text;
const { BOOTSTRAP_TEMPLATES, LOG_ARCHIVE_SNIPPETS, fillGenerated, logArchiveSnippets } = await import(
  `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
);

/** path relative to the repository → the text it should hold. */
const wanted = new Map();
for (const file of BOOTSTRAP_TEMPLATES) {
  wanted.set(file, fillGenerated(readFileSync(join(root, file), 'utf8'), file));
}
const snippets = logArchiveSnippets();
for (const [name, file] of Object.entries(LOG_ARCHIVE_SNIPPETS)) wanted.set(file, snippets[name]);

const stale = [];
for (const [file, text] of wanted) {
  const path = join(root, file);
  let current;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  stale.push(file);
  if (!check) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
if (check && stale.length > 0) {
  console.error(
    `bootstrap/ is not what src/providers/aws/permissions.ts declares: ${stale.join(', ')}. Run npm run bootstrap-templates and commit the result.`,
  );
  process.exit(1);
}
console.log(
  stale.length === 0 ? 'bootstrap/ is up to date' : `${check ? 'stale' : 'wrote'}: ${stale.join(', ')}`,
);
