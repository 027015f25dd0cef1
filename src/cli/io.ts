/** How the CLI talks to its caller: lines out and err, a confirmation prompt, and exit codes. */
import { createInterface } from 'node:readline/promises';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  confirm?: (question: string) => Promise<boolean>;
}

/** Progress lines go to stderr, so that stdout holds only results. */
export function progress(io: Io): (message: string) => void {
  return (message) => io.err(`… ${message}`);
}

export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(question)).trim() === 'yes';
      } finally {
        rl.close();
      }
    },
  };
}
