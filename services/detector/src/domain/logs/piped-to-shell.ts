const FETCH = /\b(?:curl|wget)\b/gi;
const SHELL_AFTER_PIPE = /\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/iy;
/** Shell spellings of a blank that injected commands use to avoid spaces: `${IFS}`, `$IFS`. */
const IFS = /\$\{IFS\}|\$IFS\b/g;
/** Brace expansion of a fetch, `{curl,-sSfL,host/path}`: bash runs it as `curl -sSfL host/path`. */
const BRACED_FETCH = /\{((?:curl|wget),[^{}\s|]*)\}/gi;
const URL_IN_SEGMENT = /https?:\/\/[^\s|'"]+/i;
const HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?$/i;

/**
 * The URL of `curl|wget … <url> … | [sudo] sh` on one line, or undefined. The URL
 * may lack its scheme (curl defaults to http), and the line may spell blanks as
 * `${IFS}` and the command as a brace list, as a branch name injected into a step
 * script does (Ultralytics, 2024): both are rewritten to plain blanks first.
 *
 * The download, its URL and the pipe sit in one segment free of `|` and newlines,
 * and only the first curl/wget of a segment can match (a later one sees fewer URLs
 * and the same pipe), so each segment is read once: linear time. The single
 * regex this replaces backtracked over every curl and URL of a segment, and a
 * 16 KiB line of repeated `curl http://a ` took 20 s.
 */
export function pipedToShellUrl(raw: string): string | undefined {
  const text = unobfuscate(raw);
  let segmentEnd = -1;
  for (const fetch of text.matchAll(FETCH)) {
    const from = fetch.index + fetch[0].length;
    if (fetch.index < segmentEnd) continue;
    segmentEnd = endOfSegment(text, from);
    if (text[segmentEnd] !== '|') continue;
    SHELL_AFTER_PIPE.lastIndex = segmentEnd + 1;
    if (!SHELL_AFTER_PIPE.test(text)) continue;
    const segment = text.slice(from, segmentEnd);
    const url = URL_IN_SEGMENT.exec(segment)?.[0] ?? schemelessUrl(segment);
    if (url) return url;
  }
  return undefined;
}

/** Blanks spelled as `${IFS}` and brace-list commands, rewritten as the shell would run them. */
function unobfuscate(text: string): string {
  if (!text.includes('$') && !text.includes('{')) return text;
  return text.replace(IFS, ' ').replace(BRACED_FETCH, (_, inner: string) => ` ${inner.replaceAll(',', ' ')} `);
}

/**
 * The first word shaped `host.name/path`, which curl fetches over http when no
 * scheme is given, returned with `http://` so it parses. Word by word, each
 * checked with an anchored pattern, so a long segment costs linear time.
 */
function schemelessUrl(segment: string): string | undefined {
  for (const word of segment.split(/\s+/)) {
    const bare = word.replace(/^['"]+|['"]+$/g, '');
    const slash = bare.indexOf('/');
    if (slash > 0 && HOST.test(bare.slice(0, slash))) return `http://${bare}`;
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
