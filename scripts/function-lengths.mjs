#!/usr/bin/env node
// Lists the functions in src/ longer than the limit (120 lines), with their file, line and
// length. A function may be longer when a comment right before it says why, with the words
// "longer than 120 lines". Exits 1 when any other function is over the limit.
//   node scripts/function-lengths.mjs [--limit N] [--all]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const limit = Number(args[args.indexOf('--limit') + 1]) || 120;
const EXCUSE = /longer than 120 lines/i;

export function longFunctions(dir = join(root, 'src'), max = limit) {
  const found = [];
  for (const file of readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const end = source.getLineAndCharacterOfPosition(node.end).line + 1;
        const lines = end - start + 1;
        if (lines > max) {
          // The comment that excuses it sits before the function or the statement holding it.
          let holder = node;
          while (
            holder.parent &&
            !ts.isSourceFile(holder.parent) &&
            !ts.isBlock(holder.parent) &&
            !ts.isClassLike(holder.parent)
          )
            holder = holder.parent;
          const comments = (ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? []).map((c) =>
            text.slice(c.pos, c.end),
          );
          const name =
            node.name?.getText(source) ??
            (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(source) : '(anonymous)');
          found.push({
            file: relative(root, path),
            line: start,
            lines,
            name,
            excused: comments.some((c) => EXCUSE.test(c)),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found.sort((a, b) => b.lines - a.lines);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = longFunctions();
  for (const f of found) {
    if (f.excused && !args.includes('--all')) continue;
    console.log(
      `${f.file}:${f.line}: ${f.name} is ${f.lines} lines${f.excused ? ' (excused by its comment)' : ''}`,
    );
  }
  const over = found.filter((f) => !f.excused);
  console.log(`${over.length} function(s) in src/ over ${limit} lines without a comment saying why`);
  process.exitCode = over.length ? 1 : 0;
}
