import { LOG_SCHEMA, LogBatch, RunEvent, describeIssues, type Finding } from '@pipewatch/shared';
import { createDetectionEngine, createInMemoryBaselineStore, type DetectorSettings } from '@pipewatch/detector';

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
 * finding's time is its input's `occurred_at` (for a log batch, the time of the
 * run event before it), never the wall clock. Run events and log batches may be
 * interleaved.
 */
export async function replayEvents(lines: AsyncIterable<string>, options: ReplayOptions): Promise<ReplaySummary> {
  const engine = createDetectionEngine(createInMemoryBaselineStore(), options.settings);
  const summary: ReplaySummary = { events: 0, invalid: 0, findings: 0 };
  let lineNumber = 0;
  let clock = '1970-01-01T00:00:00.000Z';
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
    const isLog = (json as { schema?: unknown } | null)?.schema === LOG_SCHEMA;
    const parsed = isLog ? LogBatch.safeParse(json) : RunEvent.safeParse(json);
    if (!parsed.success) {
      summary.invalid++;
      const issues = describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
      options.warn(`line ${lineNumber}: not a ${isLog ? 'log batch' : 'run event'} (${issues.slice(0, 3).join('; ')})`);
      continue;
    }
    summary.events++;
    let findings: Finding[];
    if (isLog) {
      findings = await engine.judgeLogs(parsed.data as LogBatch, clock);
    } else {
      const event = parsed.data as RunEvent;
      clock = event.occurred_at;
      const judged = await engine.judgeRun(event, event.occurred_at);
      await judged.save();
      findings = judged.detection.findings;
    }
    summary.findings += findings.length;
    if (options.scores) {
      const score = findings.reduce((max, finding) => Math.max(max, finding.score), 0);
      options.write(JSON.stringify({ event_id: (parsed.data as { event_id: string }).event_id, score, rules: findings.map((finding) => finding.rule.id) }));
    } else {
      for (const finding of findings) options.write(JSON.stringify(finding));
    }
  }
  return summary;
}
