import type { Finding } from '@pipewatch/shared';

function trim(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return String(Number(value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2)));
}

/** A number in the unit the detector recorded (`s`, `MB`, `bytes`, or none). */
export function formatAmount(value: number, unit: unknown): string {
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let index = 0;
    while (Math.abs(value) >= 1024 ** (index + 1) && index < units.length - 1) index++;
    return `${trim(value / 1024 ** index)} ${units[index]}`;
  }
  return typeof unit === 'string' && unit !== '' ? `${trim(value)} ${unit}` : trim(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What an access-style observation was about: a host, an IP, an executable, a name. */
function describeObserved(observed: unknown): string | undefined {
  if (typeof observed === 'string') return observed;
  if (!isRecord(observed)) return undefined;
  const what = observed.host ?? observed.ip ?? observed.exe ?? observed.name;
  if (typeof what !== 'string') return undefined;
  return typeof observed.port === 'number' ? `${what}:${observed.port}` : what;
}

/**
 * "observed X vs normal Y" from a finding's evidence, in plain text (the caller
 * escapes it): numbers against the baseline median and band, or a new subject
 * against the runs it was not seen in. Undefined when the evidence has neither.
 */
export function evidenceLine(finding: Finding): string | undefined {
  const { evidence } = finding;
  const baseline = isRecord(evidence.baseline) ? evidence.baseline : {};
  const observed = evidence.observed;
  if (typeof observed === 'number' && typeof baseline.median === 'number') {
    const unit = evidence.unit;
    let line = `observed ${formatAmount(observed, unit)} vs normal ${formatAmount(baseline.median, unit)}`;
    const band = baseline.band;
    if (Array.isArray(band) && band.length === 2 && band.every((edge) => typeof edge === 'number')) {
      line += ` (normal range ${formatAmount(band[0] as number, unit)}–${formatAmount(band[1] as number, unit)}`;
      line += typeof baseline.n === 'number' ? `, ${baseline.n} runs)` : ')';
    }
    return line;
  }
  const subject = describeObserved(observed);
  if (subject !== undefined) {
    const runs = typeof baseline.runs === 'number' ? baseline.runs : typeof baseline.n === 'number' ? baseline.n : undefined;
    return runs === undefined ? `observed ${subject} (new)` : `observed ${subject}, not seen in the previous ${runs} runs`;
  }
  return undefined;
}
