import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import type { Finding, RunEvent } from '@pipewatch/shared';

export const RELEASE = 'github:octo/app:.github/workflows/release.yml:publish';
export const LIBRARY = 'github:octo/lib:.github/workflows/ci.yml:test';
export const EXFIL_HOST = 'exfil.example.net';

const START = Date.UTC(2026, 9, 1, 9, 0, 0);

export function releaseRun(i: number, options: { durationS?: number; extraHost?: string } = {}): RunEvent {
  return {
    schema: 'pipewatch.run/v1',
    event_id: `release-${i}`,
    source: 'github-actions',
    occurred_at: new Date(START + i * 3_600_000).toISOString(),
    pipeline: { id: RELEASE, repository: 'octo/app', job: 'publish', name: 'release / publish' },
    run: { id: String(9100 + i), number: 100 + i, url: `https://github.com/octo/app/actions/runs/${9100 + i}`, status: 'success', trigger: 'push', branch: 'main', actor: 'release-bot' },
    resources: { duration_s: options.durationS ?? 300 + (i % 4) * 5, cpu_s: 180 + (i % 3) * 4 },
    access: {
      egress: [
        { host: 'registry.npmjs.org', port: 443 },
        { host: 'github.com', port: 443 },
        ...(i % 3 === 0 ? [{ host: 'objects.githubusercontent.com', port: 443 }] : []),
        ...(options.extraHost ? [{ host: options.extraHost, port: 443 }] : []),
      ],
      secrets: ['NPM_TOKEN'],
    },
  };
}

export function libraryRun(i: number): RunEvent {
  return {
    schema: 'pipewatch.run/v1',
    event_id: `library-${i}`,
    source: 'github-actions',
    occurred_at: new Date(START + i * 3_600_000 + 60_000).toISOString(),
    pipeline: { id: LIBRARY, repository: 'octo/lib', job: 'test' },
    run: { id: String(700 + i), status: 'success', trigger: 'pull_request' },
    resources: { duration_s: 90 + i },
  };
}

/** Twelve ordinary release runs, then one 4× slower that also reaches a new host; three runs of a second pipeline. */
export function scenarioEvents(): RunEvent[] {
  return [
    ...Array.from({ length: 12 }, (_, i) => releaseRun(i)),
    ...Array.from({ length: 3 }, (_, i) => libraryRun(i)),
    releaseRun(12, { durationS: 1260, extraHost: EXFIL_HOST }),
  ];
}

export interface Scenario {
  events: RunEvent[];
  findings: Finding[];
  baselines: PipelineBaseline[];
}

/** The real detector over the events, as the embedded default runs it: its findings and final baselines. */
export function runScenario(events: RunEvent[] = scenarioEvents()): Scenario {
  const baselines = new Map<string, PipelineBaseline>();
  const findings: Finding[] = [];
  for (const event of events) {
    const detectedAt = new Date(Date.parse(event.occurred_at) + 1_000).toISOString();
    const detection = detectRun(baselines.get(event.pipeline.id), event, DEFAULT_SETTINGS, detectedAt);
    baselines.set(event.pipeline.id, detection.baseline);
    findings.push(...detection.findings);
  }
  return { events, findings, baselines: [...baselines.values()] };
}

export const ndjson = (values: readonly unknown[]): string => values.map((value) => `${JSON.stringify(value)}\n`).join('');
