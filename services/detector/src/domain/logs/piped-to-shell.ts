const FETCH = /\b(?:curl|wget)\b/gi;
const URL_IN_SEGMENT = /https?:\/\/[^\s|'"]+/i;
const SHELL_AFTER_PIPE = /\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/iy;

/**
 * The URL of `curl|wget … <url> … | [sudo] sh` on one line, or undefined. The
 * download, its URL and the pipe sit in one segment free of `|` and newlines, and
 * only the first curl/wget of a segment can match (a later one sees fewer URLs
 * and the same pipe), so each segment is read once: linear time. The single
 * regex this replaces backtracked over every curl and URL of a segment, and a
 * 16 KiB line of repeated `curl http://a ` took 20 s.
 */
export function pipedToShellUrl(text: string): string | undefined {
  let segmentEnd = -1;
  for (const fetch of text.matchAll(FETCH)) {
    const from = fetch.index + fetch[0].length;
    if (fetch.index < segmentEnd) continue;
    segmentEnd = endOfSegment(text, from);
    if (text[segmentEnd] !== '|') continue;
    SHELL_AFTER_PIPE.lastIndex = segmentEnd + 1;
    if (!SHELL_AFTER_PIPE.test(text)) continue;
    const url = URL_IN_SEGMENT.exec(text.slice(from, segmentEnd));
    if (url) return url[0];
  }
  return undefined;
}

/** Index of the first `|` or newline at or after `from`, or the text's length. */
function endOfSegment(text: string, from: number): number {
  for (let at = from; at < text.length; at++) {
    const char = text[at];
    if (char === '|' || char === '\n') return at;
  }
  return text.length;
}
