import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpus: number;
  model: string;
  total_memory_bytes: number;
  node: string;
  platform: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the run began: above ~0.5 per core, other work shared the cores. */
  load_average: number[];
}

/** What the numbers were measured on; every ingest/e2e result carries it, since figures mean little without it. */
export function machineInfo(now: Date = new Date()): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    total_memory_bytes: totalmem(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    date: now.toISOString(),
    load_average: loadavg().map((value) => Number(value.toFixed(2))),
  };
}

export function describeMachine(machine: MachineInfo): string {
  const gib = (machine.total_memory_bytes / 2 ** 30).toFixed(1);
  return `${machine.cpus} cores (${machine.model}), ${gib} GiB, node ${machine.node}, ${machine.platform}`;
}

/** A warning line when other work was already keeping the cores busy, or undefined. */
export function busyMachineWarning(machine: MachineInfo): string | undefined {
  const [oneMinute = 0] = machine.load_average;
  if (oneMinute <= machine.cpus * 0.5) return undefined;
  return `WARNING: load average ${machine.load_average.join(' / ')} on ${machine.cpus} cores before the run: other processes share the CPU, so the figures understate this code`;
}
