// Numbers and times the way the detector's summaries write them.

export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const CATEGORIES = ['resource', 'access', 'integrity', 'context', 'log'];

const pad = (n) => String(n).padStart(2, '0');

/** `2026-11-01 14:03:09` in the browser's time zone. */
export function formatTime(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

export function relativeTime(iso, now = Date.now()) {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return '—';
  const past = seconds >= 0;
  const s = Math.abs(seconds);
  const text = s < 45 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 129600 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`;
  return past ? `${text} ago` : `in ${text}`;
}

export function trimNumber(value, digits = 3) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(digits)));
}

/** A value in its unit: seconds become minutes or hours, bytes become MB. */
export function formatValue(value, unit) {
  if (typeof value !== 'number') return String(value);
  if (unit === 's') {
    if (Math.abs(value) >= 7200) return `${trimNumber(value / 3600)} h`;
    if (Math.abs(value) >= 120) return `${trimNumber(value / 60)} min`;
    return `${trimNumber(value)} s`;
  }
  if (unit === 'bytes') {
    if (Math.abs(value) >= 1024 ** 3) return `${trimNumber(value / 1024 ** 3)} GiB`;
    if (Math.abs(value) >= 1024 ** 2) return `${trimNumber(value / 1024 ** 2)} MiB`;
    if (Math.abs(value) >= 1024) return `${trimNumber(value / 1024)} KiB`;
    return `${trimNumber(value)} B`;
  }
  return unit ? `${trimNumber(value)} ${unit}` : trimNumber(value);
}

export function formatSigned(value, unit) {
  const text = formatValue(Math.abs(value), unit);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

export function isoFromEpochSeconds(seconds) {
  return new Date(seconds * 1000).toISOString();
}
