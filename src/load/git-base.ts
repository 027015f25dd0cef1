/**
 * A file as it was at a base revision (a pull request's base, or HEAD), read with plain git,
 * so validation can tell new and changed entries from ones that were already reviewed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The text of `file` at `ref`: '' when the file did not exist there; undefined when there is no
 * git repository or no such revision (then nothing counts as reviewed before).
 */
export async function fileAtRevision(root: string, ref: string, file: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9._/~^@{}-]+$/.test(ref) || ref.startsWith('-')) {
    throw new Error(
      `'${ref}' is not a git revision this tool accepts (letters, digits and . _ / ~ ^ @ { } -)`,
    );
  }
  try {
    await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root });
  } catch {
    return undefined;
  }
  try {
    const { stdout } = await run('git', ['show', `${ref}:./${file}`], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch {
    return '';
  }
}
