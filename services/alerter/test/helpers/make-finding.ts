import { randomUUID } from 'node:crypto';
import { FINDING_SCHEMA, type Finding } from '@pipewatch/shared';

/** A finding that passes the `Finding` schema; each call gets a fresh id unless one is given. */
export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    schema: FINDING_SCHEMA,
    finding_id: `f-${randomUUID()}`,
    detected_at: '2025-03-01T12:00:00.000Z',
    rule: { id: 'resource.duration.high', name: 'Job ran far longer than usual', category: 'resource' },
    severity: 'high',
    score: 0.93,
    pipeline: { id: 'github:octo/app:.github/workflows/ci.yml:build' },
    run: { id: 'run-1042' },
    event_ids: ['evt-1042-build'],
    summary: 'build took 1840 s against a usual 300 s; check what the job ran.',
    evidence: { observed: 1840, baseline: { median: 300, mad: 20, n: 30 } },
    ...overrides,
  };
}
