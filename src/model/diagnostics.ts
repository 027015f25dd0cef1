/** Problems found in repository files, each pinned to a file, line, column and field. */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where in the document, e.g. `rules[3].parameters.maxAccessKeyAge`; empty for the whole file. */
  field: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.field ? `${d.field}: ` : '';
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${where}${d.message}`;
}

/** The user's configuration is wrong (as opposed to a bug or an outage). */
export class ConfigurationError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      `${errors.length} configuration error${errors.length === 1 ? '' : 's'}:\n${errors.map(formatDiagnostic).join('\n')}`,
    );
    this.name = 'ConfigurationError';
    this.diagnostics = diagnostics;
  }
}

/** A path like ['rules', 3, 'name'] as `rules[3].name`. */
export function fieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** The 1-based line and column of a UTF-16 offset into a file's text. */
export function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
