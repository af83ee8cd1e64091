import { RunEvent, describeIssues } from '@pipewatch/shared';
import { createInMemoryBaselineStore, detectRun, type DetectorSettings } from '@pipewatch/detector';

export interface ReplayOptions {
  settings: DetectorSettings;
  scores: boolean;
  write: (line: string) => void;
  warn: (message: string) => void;
}

export interface ReplaySummary {
  events: number;
  invalid: number;
  findings: number;
}

/**
 * The detector over a recorded stream, in-process and deterministic: each
 * finding's time is its event's `occurred_at`, never the wall clock.
 */
export async function replayEvents(lines: AsyncIterable<string>, options: ReplayOptions): Promise<ReplaySummary> {
  const store = createInMemoryBaselineStore();
  const summary: ReplaySummary = { events: 0, invalid: 0, findings: 0 };
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      summary.invalid++;
      options.warn(`line ${lineNumber}: invalid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = RunEvent.safeParse(json);
    if (!parsed.success) {
      summary.invalid++;
      const issues = describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
      options.warn(`line ${lineNumber}: not a run event (${issues.slice(0, 3).join('; ')})`);
      continue;
    }
    const event = parsed.data;
    summary.events++;
    const detection = detectRun(await store.get(event.pipeline.id), event, options.settings, event.occurred_at);
    await store.put(detection.baseline);
    summary.findings += detection.findings.length;
    if (options.scores) {
      const score = detection.findings.reduce((max, finding) => Math.max(max, finding.score), 0);
      options.write(JSON.stringify({ event_id: event.event_id, score, rules: detection.findings.map((finding) => finding.rule.id) }));
    } else {
      for (const finding of detection.findings) options.write(JSON.stringify(finding));
    }
  }
  return summary;
}
