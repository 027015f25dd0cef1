/**
 * Where the CLI looks for the repository, and the one line it prints when it is not there: run
 * outside a checkout, every command would otherwise name each configuration file as missing.
 */
import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Undefined when `root` holds a config/ directory; else the line to print. */
export async function missingRepository(root: string, cwd = process.cwd()): Promise<string | undefined> {
  const found = await stat(join(root, 'config')).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (found) return undefined;
  const where = relative(cwd, root) === '' ? 'the current directory' : root;
  return `No config/ directory in ${where}: run org-compliance in the repository (the directory holding config/ and sql/), or pass --root <dir>.`;
}

/** What an unknown command prints after commander's error line: the commands, not the whole help. */
export function commandList(names: readonly string[]): string {
  return `Commands: ${names.join(', ')}. 'org-compliance <command> --help' says what one does.`;
}
