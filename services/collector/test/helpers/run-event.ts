import { randomUUID } from 'node:crypto';

/** A minimal valid pipewatch.run/v1 event; `overrides` replace top-level fields. */
export function validRunEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'pipewatch.run/v1',
    event_id: `evt-${randomUUID()}`,
    source: 'generic',
    occurred_at: '2025-03-01T12:00:00Z',
    pipeline: { id: 'github:octo/app:.github/workflows/ci.yml:build' },
    run: { id: `run-${randomUUID()}` },
    ...overrides,
  };
}

export function toNdjson(lines: ReadonlyArray<unknown>): string {
  return lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
}
