interface Scale {
  divisor: number;
  suffix: string;
}

/** Picks one display unit for a set of related numbers, so a sentence never mixes "s" and "min". */
function scaleFor(reference: number, unit: string): Scale {
  const abs = Math.abs(reference);
  if (unit === 's') return abs >= 120 ? { divisor: 60, suffix: ' min' } : { divisor: 1, suffix: ' s' };
  if (unit === 'MB') return abs >= 2048 ? { divisor: 1024, suffix: ' GB' } : { divisor: 1, suffix: ' MB' };
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let index = 0;
    while (abs >= 1024 ** (index + 1) && index < units.length - 1) index++;
    return { divisor: 1024 ** index, suffix: ` ${units[index]}` };
  }
  return { divisor: 1, suffix: unit ? ` ${unit}` : '' };
}

/** Renders `values` in the unit that suits `reference` (usually the baseline median). */
export function formatIn(reference: number, unit: string, ...values: number[]): string[] {
  const scale = scaleFor(reference, unit);
  return values.map((value) => `${trim(value / scale.divisor)}${scale.suffix}`);
}

export function formatValue(value: number, unit: string): string {
  return formatIn(value, unit, value)[0]!;
}

export function trim(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return String(Number(value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2)));
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  const head = (hex ?? '').slice(0, 12);
  return algorithm ? `${algorithm}:${head}…` : `${head}…`;
}
