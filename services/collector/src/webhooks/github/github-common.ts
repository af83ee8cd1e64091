import type { RunEvent } from '@pipewatch/shared';
import { lookup } from '../map-helpers.js';

type RunStatus = NonNullable<RunEvent['run']['status']>;

/** GitHub check conclusions onto the contract's run statuses; the raw one is kept in attributes. */
const CONCLUSIONS: Record<string, RunStatus> = {
  success: 'success',
  neutral: 'success',
  failure: 'failure',
  timed_out: 'failure',
  startup_failure: 'failure',
  cancelled: 'cancelled',
  stale: 'cancelled',
  skipped: 'skipped',
};

export function runStatus(conclusion: string | null | undefined): RunStatus | undefined {
  return conclusion ? lookup(CONCLUSIONS, conclusion) : undefined;
}

/**
 * `Run actions/checkout@v4` is how GitHub names a `uses:` step that has no name of
 * its own (and `Post Run …` its clean-up); the action reference is worth keeping.
 */
export function actionOfStep(name: string): string | undefined {
  const match = /^(?:Post )?Run ([\w.-]+\/[\w./-]+@[\w./-]+)$/.exec(name);
  return match?.[1];
}

/** OS and architecture, as far as the runs-on labels tell (`ubuntu-latest`, `[self-hosted, linux, ARM64]`). */
export function platformOfLabels(labels: readonly string[]): { os?: string; arch?: string } {
  let os: string | undefined;
  let arch: string | undefined;
  for (const label of labels.map((item) => item.toLowerCase())) {
    if (/^(ubuntu|linux)/.test(label)) os ??= 'linux';
    else if (label.startsWith('windows')) os ??= 'windows';
    else if (label.startsWith('macos')) os ??= 'macos';
    if (/^(x64|x86|arm64|arm)$/.test(label)) arch ??= label;
    else if (/-arm(64)?$/.test(label)) arch ??= 'arm64';
  }
  return { ...(os ? { os } : {}), ...(arch ? { arch } : {}) };
}

/**
 * `self-hosted` is the label every self-hosted runner carries; GitHub's own
 * runners sit in the `GitHub Actions` group. Anything else is left unknown.
 */
export function selfHosted(labels: readonly string[], runnerGroup: string | null | undefined): boolean | undefined {
  if (labels.some((label) => label.toLowerCase() === 'self-hosted')) return true;
  if (runnerGroup === 'GitHub Actions') return false;
  return undefined;
}
