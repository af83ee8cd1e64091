import { readFileSync } from 'node:fs';

export interface Sample {
  at: number;
  value: number;
}

export interface Sampler {
  samples: Sample[];
  max(): number;
  /** Samples taken in [from, to). */
  between(from: number, to: number): Sample[];
  stop(): void;
}

/** Resident memory of a process in MB, from /proc/<pid>/status (VmRSS); undefined once it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `read` every `everyMs` and keeps what it answers (undefined answers are skipped). */
export function startSampler(read: () => number | undefined | Promise<number | undefined>, everyMs: number): Sampler {
  const samples: Sample[] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void Promise.resolve(read())
      .then((value) => {
        if (value !== undefined) samples.push({ at: Date.now(), value });
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, everyMs);
  return {
    samples,
    max: () => samples.reduce((max, sample) => Math.max(max, sample.value), 0),
    between: (from, to) => samples.filter((sample) => sample.at >= from && sample.at < to),
    stop: () => clearInterval(timer),
  };
}
