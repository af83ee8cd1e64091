// The synthetic workload: one bash process that starts `processes` × `/bin/sleep 0.01`
// (`parallel` at a time), then opens one short TCP connection to each loopback port in turn with
// bash's own /dev/tcp (no extra process), reads the listener's one byte and closes. Besides the
// sleeps the tree holds only the bash itself, so "processes started" is exactly `processes`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation, SensorEvent } from '@pipewatch/forwarder';
import { LOOPBACK_HOST } from './loopback-ports.js';

export const SLEEP = '/bin/sleep';

export function writeSyntheticScript(dir: string, options: { processes: number; parallel: number; ports: readonly number[] }): string {
  if (LOOPBACK_HOST !== '127.0.0.1') throw new Error('the synthetic workload connects to 127.0.0.1 only');
  const path = join(dir, 'synthetic.sh');
  writeFileSync(
    path,
    [
      '#!/bin/bash',
      'set -u',
      `procs=${options.processes}`,
      `parallel=${options.parallel}`,
      'i=0',
      'while (( i < procs )); do',
      `  ${SLEEP} 0.01 &`,
      '  i=$((i + 1))',
      '  if (( i % parallel == 0 )); then wait; fi',
      'done',
      'wait',
      'ok=0',
      `for port in ${options.ports.join(' ')}; do`,
      `  if exec 3<>/dev/tcp/${LOOPBACK_HOST}/$port; then`,
      '    read -r -n 1 -u 3 reply && ok=$((ok + 1))',
      '    exec 3<&-',
      '  fi',
      'done',
      'echo "processes_started=$i connections_ok=$ok"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return path;
}

/** `processes_started=N connections_ok=M` from the script's last line. */
export function parseSyntheticReport(stdout: string): { processes: number; connections: number } | undefined {
  const match = /processes_started=(\d+) connections_ok=(\d+)/.exec(stdout);
  return match ? { processes: Number(match[1]), connections: Number(match[2]) } : undefined;
}

export interface Seen {
  processes: number;
  connections: number;
}

/** Strace events → sleeps seen (distinct pids that exec'd it) and connections seen (distinct benchmark ports connected to). */
export function createTraceCounter(ports: readonly number[]): { onEvent(event: SensorEvent): void; seen(): Seen & { connectEvents: number; execEvents: number } } {
  const portSet = new Set(ports);
  const sleepers = new Set<number>();
  const connected = new Set<number>();
  let connectEvents = 0;
  let execEvents = 0;
  return {
    onEvent(event) {
      if (event.kind === 'exec' && event.ok) {
        execEvents++;
        if (event.exe === SLEEP || event.exe.endsWith('/sleep')) sleepers.add(event.pid);
      }
      if (event.kind === 'connect' && event.ip === LOOPBACK_HOST && portSet.has(event.port)) {
        connectEvents++;
        connected.add(event.port);
      }
    },
    seen: () => ({ processes: sleepers.size, connections: connected.size, connectEvents, execEvents }),
  };
}

/**
 * What the /proc sampler saw: distinct (pid, start time) in the tree less the bash root; distinct
 * (protocol, ip, port) destinations on the benchmark's ports, i.e. connections, since each has its own port.
 */
export function sampledSeen(observation: Observation, ports: readonly number[]): Seen {
  const portSet = new Set(ports);
  return {
    processes: Math.max(0, observation.processCount - 1),
    connections: observation.egress.filter((c) => c.protocol === 'tcp' && c.ip === LOOPBACK_HOST && portSet.has(c.port)).length,
  };
}
