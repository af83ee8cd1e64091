// CSI (colours, erase-line), OSC (titles, hyperlinks) and two-byte escapes; then any other
// C0 control except tab, so binary junk cannot reach the rules as invisible characters.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Removes terminal escape sequences and stray control characters from one line. */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPES, '').replace(CONTROLS, '');
}

/**
 * What a terminal would show for a line rewritten with `\r` (progress bars): the text after
 * the last carriage return that is followed by something. A trailing `\r` is not a rewrite.
 */
export function lastOverwrite(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 13) end -= 1;
  const cut = line.lastIndexOf('\r', end - 1);
  return line.slice(cut + 1, end);
}
