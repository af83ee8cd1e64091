import type { GroupLag, OffsetReader } from './kafka-offsets.js';

export interface LagSample {
  /** Seconds since the sampler started. */
  t: number;
  runs: GroupLag;
  findings: GroupLag;
}

export interface LagSampler {
  samples: LagSample[];
  /** Takes one sample now (also used for the first and last of a phase). */
  sample(): Promise<LagSample>;
  stop(): Promise<void>;
}

export interface LagWatch {
  reader: OffsetReader;
  runs: { group: string; topic: string };
  findings: { group: string; topic: string };
  everyMs: number;
}

/** Samples the detector's lag on runs and the alerter's lag on findings every few seconds, until stopped. */
export function startLagSampler(watch: LagWatch): LagSampler {
  const began = performance.now();
  const samples: LagSample[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;

  async function sample(): Promise<LagSample> {
    const [runs, findings] = await Promise.all([
      watch.reader.groupLag(watch.runs.group, watch.runs.topic),
      watch.reader.groupLag(watch.findings.group, watch.findings.topic),
    ]);
    const taken = { t: Number(((performance.now() - began) / 1000).toFixed(2)), runs, findings };
    samples.push(taken);
    return taken;
  }

  const loop = (async () => {
    while (!stopped) {
      await sample().catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, watch.everyMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    samples,
    sample,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
