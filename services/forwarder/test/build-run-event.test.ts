import assert from 'node:assert/strict';
import { RunEvent } from '@pipewatch/shared';
import { buildRunEvent, exitCodeOf, runEventId, type Observation, type RunOutcome } from '../src/index.js';

const observation: Observation = {
  samples: 9,
  cpuTicks: 0,
  maxRssBytes: 262_144_000,
  processCount: 3,
  processes: [
    { exe: '/usr/bin/node' },
    { exe: '/usr/bin/sleep', parent: '/usr/bin/node' },
    { exe: '/tmp/x/payload', parent: '/usr/bin/node', deleted: true },
  ],
  egress: [
    { ip: '127.0.0.1', port: 8080, protocol: 'tcp' },
    { ip: '2001:db8::1', port: 443, protocol: 'tcp', resolved: true },
  ],
  diskWriteBytes: 4096,
};

const outcome = (over: Partial<RunOutcome> = {}): RunOutcome => ({
  exitCode: 0,
  cancelled: false,
  startedAt: new Date('2026-11-01T10:00:00.000Z'),
  finishedAt: new Date('2026-11-01T10:00:02.345Z'),
  cpuTicks: 153,
  command: '/usr/local/bin/npm',
  ...over,
});

const build = (over: Partial<RunOutcome> = {}) =>
  buildRunEvent({
    eventId: runEventId({ pipelineId: 'p', runId: 'r' }),
    metadata: { ci: 'flags', pipeline: { id: 'p' }, run: { id: 'r' } },
    observation,
    hashes: new Map([['/usr/bin/sleep', 'ab'.repeat(32)]]),
    outcome: outcome(over),
  });

describe('buildRunEvent', () => {
  it('builds a contract-valid agent event with resources, processes (hashed where known) and egress', () => {
    const event = RunEvent.parse(build());
    assert.equal(event.source, 'agent');
    assert.equal(event.occurred_at, '2026-11-01T10:00:02.345Z');
    assert.deepEqual(event.resources, { duration_s: 2.345, cpu_s: 1.53, max_rss_mb: 250, process_count: 3, disk_write_bytes: 4096 });
    assert.deepEqual(event.access, {
      egress: [
        { ip: '127.0.0.1', port: 8080 },
        { ip: '2001:db8::1', port: 443, resolved: true },
      ],
      processes: [
        { exe: '/usr/bin/node' },
        { exe: '/usr/bin/sleep', sha256: 'ab'.repeat(32), parent: '/usr/bin/node' },
        { exe: '/tmp/x/payload', parent: '/usr/bin/node' },
      ],
    });
    assert.deepEqual(event.attributes, { command: 'npm', exit_code: 0, forwarder_samples: 9, deleted_executables: '/tmp/x/payload', sensor: 'proc' });
  });

  const statuses: [string, Partial<RunOutcome>, string][] = [
    ['exit 0', { exitCode: 0 }, 'success'],
    ['exit 1', { exitCode: 1 }, 'failure'],
    ['a signal death', { exitCode: 137, signal: 'SIGKILL' }, 'failure'],
    ['a cancellation passed on', { exitCode: 143, signal: 'SIGTERM', cancelled: true }, 'cancelled'],
  ];
  for (const [name, over, status] of statuses) {
    it(`reports run.status ${status} for ${name}`, () => assert.equal(build(over).run.status, status));
  }

  it('gives the same event id for the same pipeline, run and attempt, another for another attempt or step', () => {
    const id = runEventId({ pipelineId: 'p', runId: 'r', attempt: 1 });
    assert.equal(id, runEventId({ pipelineId: 'p', runId: 'r', attempt: 1 }));
    assert.notEqual(id, runEventId({ pipelineId: 'p', runId: 'r', attempt: 2 }));
    assert.notEqual(id, runEventId({ pipelineId: 'p', runId: 'r', attempt: 1, step: 'test' }));
    assert.match(id, /^agent-[0-9a-f]{40}$/);
  });
});

describe('exitCodeOf', () => {
  const cases: [number | null, NodeJS.Signals | null, number][] = [
    [0, null, 0],
    [3, null, 3],
    [null, 'SIGTERM', 143],
    [null, 'SIGKILL', 137],
    [null, 'SIGINT', 130],
    [null, 'SIGSEGV', 139],
  ];
  for (const [code, signal, expected] of cases) {
    it(`maps code ${code} / signal ${signal} to ${expected}`, () => assert.equal(exitCodeOf(code, signal), expected));
  }
});
