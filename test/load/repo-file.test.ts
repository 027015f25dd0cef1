import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8, MAX_FILE_BYTES, readRepoText } from '../../src/load/repo-file.js';

const FILE = 'config/org.yaml';
const bytes = (...b: number[]) => Uint8Array.from(b);

describe('decodeText', () => {
  it('removes a UTF-8 byte-order mark and turns CRLF into LF; a lone CR stays', () => {
    expect(decodeText(FILE, Buffer.from('\uFEFFa: 1\r\nb: 2\r\n'))).toEqual({ text: 'a: 1\nb: 2\n' });
    expect(decodeText(FILE, Buffer.from('a\rb'))).toEqual({ text: 'a\rb' });
  });

  it('refuses UTF-16 by its byte-order mark, either byte order', () => {
    for (const mark of [bytes(0xff, 0xfe, 0x61, 0), bytes(0xfe, 0xff, 0, 0x61)]) {
      expect(decodeText(FILE, mark)).toEqual({
        problem: {
          severity: 'error',
          file: FILE,
          line: 1,
          column: 1,
          field: '',
          message:
            'is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8 (a UTF-8 byte-order mark is fine)',
        },
      });
    }
  });

  it('refuses a byte that is not UTF-8 at its line and column, counted in characters', () => {
    const text = Buffer.concat([Buffer.from('a: 1\nname: "Zoë '), bytes(0xe9), Buffer.from('"\n')]);
    expect(decodeText(FILE, text)).toMatchObject({
      problem: {
        line: 2,
        column: 12,
        message:
          'byte 0xe9 at offset 17 is not UTF-8; save the file as UTF-8 (it looks like another encoding, such as Latin-1 or Windows-1252)',
      },
    });
  });
});

describe('firstInvalidUtf8', () => {
  it('accepts one- to four-byte characters and finds overlongs, surrogates, truncation and stray bytes', () => {
    expect(firstInvalidUtf8(Buffer.from('aé€😀'))).toBe(10);
    expect(firstInvalidUtf8(bytes(0x61, 0xc0, 0xaf))).toBe(1); // overlong '/'
    expect(firstInvalidUtf8(bytes(0xe0, 0x80, 0xaf))).toBe(0); // overlong three-byte
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // a UTF-16 surrogate
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // past U+10FFFF
    expect(firstInvalidUtf8(bytes(0x61, 0x62, 0xe2, 0x82))).toBe(2); // cut short
    expect(firstInvalidUtf8(bytes(0x61, 0x80))).toBe(1); // a continuation byte alone
  });
});

describe('readRepoText', () => {
  async function repo(): Promise<{ root: string; outside: string }> {
    const base = await mkdtemp(join(tmpdir(), 'org-compliance-repo-file-'));
    await mkdir(join(base, 'repo', 'config'), { recursive: true });
    await mkdir(join(base, 'elsewhere'));
    return { root: join(base, 'repo'), outside: join(base, 'elsewhere') };
  }

  it('follows a symbolic link that stays inside the repository', async () => {
    const { root } = await repo();
    await mkdir(join(root, 'shared'));
    await writeFile(join(root, 'shared', 'org.yaml'), 'a: 1\r\n');
    await symlink('../shared/org.yaml', join(root, FILE));
    expect(await readRepoText(root, FILE)).toEqual({ text: 'a: 1\n' });
  });

  it('refuses one that leaves it, naming the target, and a directory link that does', async () => {
    const { root, outside } = await repo();
    await writeFile(join(outside, 'org.yaml'), 'a: 1\n');
    await symlink(join(outside, 'org.yaml'), join(root, FILE));
    expect(await readRepoText(root, FILE)).toMatchObject({
      problem: {
        line: 1,
        column: 1,
        message: `is a symbolic link to ${outside}/org.yaml, outside the repository; the tool reads only files in the repository (what a pull request reviews): replace the link with the file itself`,
      },
    });
    await mkdir(join(outside, 'views'));
    await writeFile(join(outside, 'views', 'x.sql'), 'SELECT 1');
    await symlink(join(outside, 'views'), join(root, 'sql'));
    expect(await readRepoText(root, 'sql/x.sql')).toMatchObject({
      problem: {
        message: expect.stringMatching(
          `^is reached through sql, a symbolic link, to ${outside}/views/x.sql, outside`,
        ),
      },
    });
  });

  it('a missing file is missing; one past the limit is refused on its size, one at the limit is read', async () => {
    const { root } = await repo();
    expect(await readRepoText(root, FILE)).toEqual({ missing: true });
    await writeFile(join(root, FILE), Buffer.alloc(MAX_FILE_BYTES, 0x20));
    expect('text' in (await readRepoText(root, FILE))).toBe(true);
    await writeFile(join(root, FILE), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    expect(await readRepoText(root, FILE)).toMatchObject({
      problem: {
        message:
          'is 8,388,609 bytes; files read from the repository are limited to 8 MiB (8,388,608 bytes): a configuration file this large is generated data, not configuration',
      },
    });
  });
});
