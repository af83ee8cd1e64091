export interface GitHubLogLine {
  job?: string;
  step?: string;
  timestamp?: string;
  message: string;
}

// The runner writes a 7-digit fraction; accept any so hand-edited or re-encoded logs still parse.
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) ?/;

/**
 * Splits one line of either shape:
 *   REST:   `2021-12-01T13:00:40.1077661Z message`
 *   gh cli: `job<TAB>step<TAB>2021-12-01T13:00:40.1077661Z message`
 * A line with neither prefix (a wrapped or truncated line) is kept as a bare message.
 */
export function splitGitHubLine(line: string): GitHubLogLine {
  const tab1 = line.indexOf('\t');
  if (tab1 > 0) {
    const tab2 = line.indexOf('\t', tab1 + 1);
    if (tab2 > tab1) {
      const rest = line.slice(tab2 + 1);
      const m = TIMESTAMP.exec(rest);
      if (m) {
        return { job: line.slice(0, tab1), step: line.slice(tab1 + 1, tab2), timestamp: m[1], message: rest.slice(m[0].length) };
      }
    }
  }
  const m = TIMESTAMP.exec(line);
  if (m) return { timestamp: m[1], message: line.slice(m[0].length) };
  return { message: line };
}
