import { FINDING_SCHEMA, type Finding } from '@pipewatch/shared';

export const PIPELINE_ID = 'github:octo/app:.github/workflows/ci.yml:build';

/** The three findings one suspicious run produces: slow, CPU-heavy, and talking to a new host. */
export function runFindings(runId = 'r12', overrides: Partial<Finding> = {}): Finding[] {
  const base = {
    schema: FINDING_SCHEMA,
    detected_at: '2026-11-01T02:00:00.000Z',
    pipeline: { id: PIPELINE_ID, repository: 'octo/app', job: 'build' },
    run: { id: runId, url: `https://ci.example.com/octo/app/runs/${runId}`, branch: 'main', trigger: 'push' },
    event_ids: [`evt-${runId}`],
    threat: { framework: 'OSC&R' as const, technique: { id: 'T0159', name: 'Malicious artifact execution' } },
  };
  return [
    {
      ...base,
      finding_id: `${runId}-duration`,
      rule: { id: 'resource.duration.high', name: 'Job duration unusually high', category: 'resource' },
      severity: 'high',
      score: 0.97,
      subject: 'resources.duration_s',
      summary: 'Job duration was 900 s, 7.5× the usual 120 s; look at what this run did differently.',
      evidence: { observed: 900, unit: 's', baseline: { n: 12, median: 120, mad: 3, band: [108, 132] } },
      ...overrides,
    },
    {
      ...base,
      finding_id: `${runId}-cpu`,
      rule: { id: 'resource.cpu.high', name: 'CPU time unusually high', category: 'resource' },
      severity: 'medium',
      score: 0.9,
      subject: 'resources.cpu_s',
      summary: 'CPU time was 400 s, 8× the usual 50 s.',
      evidence: { observed: 400, unit: 's', baseline: { n: 12, median: 50, mad: 1, band: [46, 54] } },
      ...overrides,
    },
    {
      ...base,
      finding_id: `${runId}-egress`,
      rule: { id: 'access.egress.new_host', name: 'New egress destination', category: 'access' },
      severity: 'critical',
      score: 0.95,
      subject: 'pool.evil.example',
      summary: 'Connected to pool.evil.example:3333, which this pipeline has not contacted in 12 runs.',
      evidence: { observed: { host: 'pool.evil.example', port: 3333 }, known_hosts: 2, baseline: { runs: 12 } },
      ...overrides,
    },
  ] as Finding[];
}
