// Small pieces several views share.
import { h, safeUrl } from './dom.js';
import { formatTime, relativeTime } from './format.js';

export function severityBadge(severity) {
  return h('span', { class: `badge severity-${severity}` }, severity);
}

export function timeCell(iso) {
  return h('time', { datetime: iso, title: formatTime(iso) }, relativeTime(iso));
}

/** The CI run: a link when the CI gave a URL, else its id. */
export function runLink(run) {
  const label = run.number !== undefined ? `run #${run.number}` : `run ${run.id}`;
  const url = safeUrl(run.url);
  return url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'run-link' }, `${label} ↗`) : h('span', { class: 'muted' }, label);
}

export function findingHref(id) {
  return `/ui/findings/${encodeURIComponent(id)}`;
}

export function pipelineHref(id) {
  return `/ui/pipelines/${encodeURIComponent(id)}`;
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, `Could not load: ${error.message}`);
}

/** Shows the "live" marker with the time of the last refresh that worked. */
export function markLive(ok) {
  const live = document.getElementById('live');
  if (!live) return;
  live.hidden = false;
  live.classList.toggle('stale', !ok);
  live.title = ok ? `updated ${formatTime(new Date().toISOString())}` : 'refresh failed; retrying';
}
