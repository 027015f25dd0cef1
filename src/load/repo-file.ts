/**
 * Reading one file of the repository: the checks every reader (YAML, SQL, JSON) makes before it
 * parses anything. The file must lie inside the repository (a symbolic link that leads out of it
 * is refused, naming the link and its target), hold at most MAX_FILE_BYTES (checked on its size
 * before reading, so a huge file costs neither time nor memory), and be UTF-8 text. A UTF-8
 * byte-order mark and CRLF line ends are valid and removed here: the parsers see the same text as
 * for the file in LF without a mark, so neither can change what is planned.
 */
import { isUtf8 } from 'node:buffer';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { type Diagnostic, position } from '../model/diagnostics.js';
import { errorMessage } from '../model/errors.js';

/** The largest file the loader reads: 8 MiB, some 60,000 accounts in config/accounts.yaml. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type RepoText = { text: string } | { missing: true } | { problem: Diagnostic };

/** A problem of the whole file, reported at its first line. */
function fileProblem(file: string, message: string, line = 1, column = 1): { problem: Diagnostic } {
  return { problem: { severity: 'error', file, line, column, field: '', message } };
}

/** Where `file` (relative to `root`) really is, when that is outside `root`; undefined when inside. */
async function outsideTarget(root: string, file: string): Promise<string | undefined> {
  const [realRoot, target] = await Promise.all([realpath(root), realpath(join(root, file))]);
  const rel = relative(realRoot, target);
  return rel.startsWith('..') || isAbsolute(rel) ? target : undefined;
}

/** The first part of `file`'s path (a directory or the file itself) that is a symbolic link. */
async function firstLink(root: string, file: string): Promise<string> {
  const parts = file.split('/');
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join('/');
    if ((await lstat(join(root, prefix))).isSymbolicLink()) return prefix;
  }
  return file;
}

/**
 * The text of `file` (a repository-relative path with forward slashes) under `root`, without a
 * byte-order mark and with LF line ends; `missing` when there is no such file; otherwise the
 * problem, pinned to the file.
 */
export async function readRepoText(root: string, file: string): Promise<RepoText> {
  const path = join(root, file);
  try {
    const target = await outsideTarget(root, file);
    if (target !== undefined) {
      const link = await firstLink(root, file);
      const what = link === file ? 'is a symbolic link' : `is reached through ${link}, a symbolic link,`;
      return fileProblem(
        file,
        `${what} to ${target}, outside the repository; the tool reads only files in the repository (what a pull request reviews): replace the link with the file itself`,
      );
    }
    const info = await stat(path);
    if (info.isDirectory()) return fileProblem(file, 'is a directory; expected a file here');
    const size = info.size;
    if (size > MAX_FILE_BYTES) {
      return fileProblem(
        file,
        `is ${size.toLocaleString('en-US')} bytes; files read from the repository are limited to ${MAX_FILE_BYTES / 1024 / 1024} MiB (${MAX_FILE_BYTES.toLocaleString('en-US')} bytes): a configuration file this large is generated data, not configuration`,
      );
    }
    return decodeText(file, await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // A link whose target is missing: say so, rather than that the file is.
      const dangling = await lstat(path).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      if (!dangling) return { missing: true };
      return fileProblem(
        file,
        'is a symbolic link to a file that does not exist; replace it with the file itself',
      );
    }
    return fileProblem(file, `cannot read the file: ${errorMessage(e)}`);
  }
}

/** UTF-8 bytes as text (mark removed, CRLF as LF), or the position of the first byte that is not UTF-8. */
export function decodeText(file: string, bytes: Uint8Array): RepoText {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fileProblem(
      file,
      'is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8 (a UTF-8 byte-order mark is fine)',
    );
  }
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder().decode(bytes.subarray(0, at));
    const { line, column } = position(before, before.length);
    return fileProblem(
      file,
      `byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at} is not UTF-8; save the file as UTF-8 (it looks like another encoding, such as Latin-1 or Windows-1252)`,
      line,
      column,
    );
  }
  let text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
  if (text.includes('\r\n')) text = text.replaceAll('\r\n', '\n');
  return { text };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence; the length when none. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    // The length of the sequence, and the range of its second byte (no overlongs, no surrogates).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c === undefined || c < min || c > max) return i;
    }
    i += n + 1;
  }
  return i;
}
