import type { Diagnostic } from '../model/diagnostics.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** A GitHub Actions workflow command that shows the diagnostic on its file and line. */
export function diagnosticAnnotation(d: Diagnostic): string {
  const command = d.severity === 'error' ? 'error' : 'warning';
  const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`];
  if (d.field) props.push(`title=${escapeProperty(d.field)}`);
  return `::${command} ${props.join(',')}::${escapeData(d.message)}`;
}
