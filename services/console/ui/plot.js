// The metric of a numeric finding over the pipeline's recent runs, with the
// normal band and this run marked. uPlot comes from /ui/vendor (global uPlot).
import { formatValue } from './format.js';

const COLORS = { value: '#2563eb', median: '#6b7280', band: 'rgba(22, 163, 74, 0.75)', bandFill: 'rgba(22, 163, 74, 0.14)', run: '#dc2626' };

/**
 * `history`: the baseline's learned values, oldest first; `observed`: this run's
 * value, drawn after them at x = 0. Returns what it handed uPlot (kept on
 * window.__pipewatchPlot so tests can check what was drawn).
 */
export function renderMetricPlot(container, { history, observed, band, median, label, unit }) {
  const n = history.length;
  const xs = Array.from({ length: n + 1 }, (_, i) => i - n);
  const flat = (value) => xs.map(() => value);
  const data = [xs, [...history, null], flat(median), flat(band[0]), flat(band[1]), [...history.map(() => null), observed]];
  const series = [
    { label: 'position' },
    { label, stroke: COLORS.value, width: 2, points: { show: true, size: 5 }, spanGaps: false, value: (_u, v) => (v == null ? '—' : formatValue(v, unit)) },
    { label: 'median', stroke: COLORS.median, width: 1, dash: [6, 4], points: { show: false }, value: (_u, v) => (v == null ? '—' : formatValue(v, unit)) },
    { label: 'band low', stroke: COLORS.band, width: 1, points: { show: false }, value: (_u, v) => (v == null ? '—' : formatValue(v, unit)) },
    { label: 'band high', stroke: COLORS.band, width: 1, points: { show: false }, value: (_u, v) => (v == null ? '—' : formatValue(v, unit)) },
    { label: 'this run', stroke: COLORS.run, fill: COLORS.run, width: 0, points: { show: true, size: 14, stroke: COLORS.run, fill: COLORS.run }, value: (_u, v) => (v == null ? '—' : formatValue(v, unit)) },
  ];
  const width = Math.max(320, Math.min(container.clientWidth || 900, 1100));
  const options = {
    width,
    height: 300,
    scales: { x: { time: false } },
    series,
    // Fills between "band high" (4) and "band low" (3): the normal range the run was judged against.
    bands: [{ series: [4, 3], fill: COLORS.bandFill }],
    axes: [
      { label: 'values the baseline holds, oldest → newest, then this run', values: (_u, splits) => splits.map((v) => (v === 0 ? 'this run' : String(v))) },
      { label, size: 90, values: (_u, splits) => splits.map((v) => formatValue(v, unit)) },
    ],
    legend: { live: false },
  };
  const plot = new window.uPlot(options, data, container);
  const drawn = { series: series.map((item) => item.label), data, highlightIndex: n, band, median, bands: options.bands, canvas: Boolean(container.querySelector('canvas')) };
  window.__pipewatchPlot = drawn;
  return { plot, drawn };
}
