import type { RunEvent } from '@pipewatch/shared';

/** A plausible, valid run event for pipeline `p1`; `i` spreads ids and times. */
export function makeRun(i: number, patch: Partial<RunEvent> = {}): RunEvent {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
  return {
    schema: 'pipewatch.run/v1',
    event_id: `evt-${i}`,
    source: 'generic',
    occurred_at: at,
    pipeline: { id: 'github:octo/app:.github/workflows/ci.yml:build', repository: 'octo/app' },
    run: { id: `run-${i}`, status: 'success', trigger: 'push', actor: 'alice' },
    resources: { duration_s: 100 + (i % 7) * 2, cpu_s: 60 + (i % 5), max_rss_mb: 900 + (i % 3) * 10, net_tx_bytes: 2_000_000 + (i % 4) * 1000 },
    metrics: { tests: 412 },
    access: {
      egress: [{ host: 'registry.npmjs.org', port: 443 }, { host: 'github.com', port: 443 }],
      secrets: ['NPM_TOKEN'],
      processes: [{ exe: '/usr/bin/node', sha256: 'aa'.repeat(32) }],
    },
    dependencies: [{ name: 'codecov-uploader', version: '0.7.1', digest: `sha256:${'11'.repeat(32)}` }],
    ...patch,
  };
}
