import { forEachLine } from './lines.js';
import { lastOverwrite, stripAnsi } from './ansi.js';

export interface SectionMarker {
  kind: 'start' | 'end';
  time: number;
  name: string;
  options?: string;
}

export interface PlainLine {
  text: string;
  timestamp?: string;
  /** Markers found on this physical line, in order. */
  markers: SectionMarker[];
  /** The line held only markers and escapes: nothing for the caller to read. */
  hidden: boolean;
}

// gitlab-runner's timestamper (FF_TIMESTAMPS): `<RFC3339 micro>Z <2 hex stream><O|E>< |+>`;
// `+` continues the previous line (a write without newline).
const RUNNER_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) [0-9a-f]{2}[OE]([ +])/;
// `section_start:<unix>:<name>[opts]\r\e[0K`; old runners ended the marker with a newline instead.
const MARKER = /(?:\x1b\[0K)?section_(start|end):(\d{1,12}):([A-Za-z0-9_.-]{1,256})(\[[^\]\r\n]{0,1024}\])?(?:\r?\x1b\[0K|\r)?/g;

/**
 * One linear pass over a GitLab trace: drops the runner's timestamp prefix (joining `+`
 * continuations), pulls out section markers, resolves `\r` rewrites and strips ANSI.
 * A physical line that held only markers and escapes yields no plain line.
 */
export function scanGitLabTrace(text: string, visit: (line: PlainLine) => void): void {
  let pending: { raw: string; timestamp?: string } | undefined;
  const flush = (): void => {
    if (!pending) return;
    const { raw, timestamp } = pending;
    pending = undefined;
    const markers: SectionMarker[] = [];
    const rest = raw.replace(MARKER, (_m, kind: string, time: string, name: string, options?: string) => {
      const marker: SectionMarker = { kind: kind === 'start' ? 'start' : 'end', time: Number(time), name };
      if (options) marker.options = options.slice(1, -1);
      markers.push(marker);
      return '';
    });
    const plain = stripAnsi(lastOverwrite(rest));
    const hidden = markers.length > 0 && plain.trim() === '';
    const line: PlainLine = { text: hidden ? '' : plain, markers, hidden };
    if (timestamp !== undefined) line.timestamp = timestamp;
    visit(line);
  };
  forEachLine(text, (raw) => {
    const m = RUNNER_PREFIX.exec(raw);
    if (m) {
      const body = raw.slice(m[0].length);
      if (m[2] === '+' && pending) {
        pending.raw += body;
        return;
      }
      flush();
      pending = { raw: body, timestamp: m[1]! };
      return;
    }
    flush();
    pending = { raw };
  });
  flush();
}

/** The trace as plain lines: no ANSI, no section markers, no timestamp prefixes, `\r` rewrites resolved. */
export function gitLabTraceLines(text: string): string[] {
  const out: string[] = [];
  scanGitLabTrace(text, (l) => {
    if (!l.hidden) out.push(l.text);
  });
  return out;
}
