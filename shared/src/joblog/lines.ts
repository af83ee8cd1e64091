/** Longest slice of one line that the parsers look at; the rest of the line is ignored. */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Calls `visit` for each line of `text`, without building an array of all lines, so a
 * log of millions of lines costs one pass and no second copy. A trailing `\r` (CRLF logs)
 * is dropped, and a line longer than MAX_LINE_CHARS is cut to that length: no setup fact
 * is that long, and cutting keeps the regexes' work per line bounded.
 */
export function forEachLine(text: string, visit: (line: string, index: number) => void): void {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // REST logs start with a BOM
  let index = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end === text.length && start === end && index > 0) break; // final newline
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop -= 1;
    if (stop - start > MAX_LINE_CHARS) stop = start + MAX_LINE_CHARS;
    visit(text.slice(start, stop), index);
    index += 1;
    start = end + 1;
  }
}
