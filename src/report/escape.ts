/** Text made safe for the report's two markups. Pure. */

/** Text in a Markdown table cell: a `|` escaped, line breaks as spaces. */
export function markdownCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Text in HTML content or a double-quoted attribute. */
export function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
