/** The schema's limit on one line's text. */
export const MAX_LINE_CHARS = 65_536;

/** A text body's lines: LF or CRLF, and a final newline does not start an empty line. */
export function splitTextLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}
