import { cpus, platform, release, totalmem } from 'node:os';

/** What a benchmark ran on: its numbers mean little without it. */
export interface MachineInfo {
  cpus: number;
  model: string;
  total_memory_bytes: number;
  node: string;
  platform: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpus: all.length,
    model: (all[0]?.model ?? 'unknown').trim(),
    total_memory_bytes: totalmem(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    date: new Date().toISOString(),
  };
}

export function describeMachine(machine: MachineInfo): string {
  return `${machine.cpus} × ${machine.model}, ${(machine.total_memory_bytes / 1024 ** 3).toFixed(1)} GiB RAM, Node ${machine.node}, ${machine.platform}`;
}
