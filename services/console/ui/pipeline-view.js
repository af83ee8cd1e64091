// One pipeline's baseline: its numeric series and what it has seen.
import { ApiError, getJson } from './api.js';
import { h } from './dom.js';
import { formatTime, isoFromEpochSeconds, trimNumber } from './format.js';
import { errorBox } from './widgets.js';

const SEEN_TITLES = { egress: 'Hosts contacted', ports: 'Ports used', secrets: 'Secrets used', processes: 'Executables run', actors: 'Actors', triggers: 'Triggers', files: 'Places written outside the workspace' };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function seriesTable(numeric) {
  const rows = Object.entries(numeric).sort(([a], [b]) => (a < b ? -1 : 1));
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No numeric series yet.');
  return h(
    'table',
    { class: 'series' },
    h('thead', {}, h('tr', {}, ['Series', 'Values kept', 'Median', 'Min', 'Max', 'Latest'].map((title) => h('th', {}, title)))),
    h(
      'tbody',
      {},
      rows.map(([name, values]) =>
        h(
          'tr',
          {},
          h('td', { class: 'mono' }, name),
          h('td', { class: 'num' }, values.length),
          h('td', { class: 'num' }, trimNumber(median(values))),
          h('td', { class: 'num' }, trimNumber(Math.min(...values))),
          h('td', { class: 'num' }, trimNumber(Math.max(...values))),
          h('td', { class: 'num' }, trimNumber(values.at(-1))),
        ),
      ),
    ),
  );
}

function seenTable(name, set) {
  const entries = Object.entries(set ?? {}).sort((a, b) => b[1][2] - a[1][2] || (a[0] < b[0] ? -1 : 1));
  return h(
    'details',
    { open: entries.length > 0 && entries.length <= 12 },
    h('summary', {}, `${SEEN_TITLES[name] ?? name} (${entries.length})`),
    entries.length === 0
      ? h('p', { class: 'muted' }, 'none seen')
      : h(
          'table',
          { class: 'first-seen' },
          h('thead', {}, h('tr', {}, ['Value', 'First seen', 'Last seen', 'Runs seen in'].map((title) => h('th', {}, title)))),
          h(
            'tbody',
            {},
            entries.map(([value, [first, last, runs]]) =>
              h('tr', {}, h('td', { class: 'mono' }, value), h('td', {}, formatTime(isoFromEpochSeconds(first))), h('td', {}, formatTime(isoFromEpochSeconds(last))), h('td', { class: 'num' }, runs)),
            ),
          ),
        ),
  );
}

export function pipelineView(container, { params }) {
  const id = decodeURIComponent(params[0]);
  let stopped = false;
  void (async () => {
    const back = h('a', { href: '/ui/pipelines', 'data-link': true, class: 'back' }, '← Pipelines');
    let answer;
    try {
      answer = await getJson(`/v1/pipelines/${encodeURIComponent(id)}/baseline`);
    } catch (error) {
      if (stopped) return;
      const message = error instanceof ApiError && error.status === 404 ? h('p', { class: 'muted' }, 'No baseline for this pipeline (yet).') : errorBox(error);
      container.append(h('section', { class: 'panel' }, back, h('h1', { class: 'mono' }, id), message, findingsLink(id)));
      return;
    }
    if (stopped) return;
    const { baseline } = answer;
    container.append(
      h(
        'section',
        { class: 'panel' },
        back,
        h('h1', { class: 'mono' }, id),
        h(
          'p',
          { class: 'meta' },
          h('span', { class: `badge status-${answer.status}` }, answer.status === 'learning' ? `learning ${answer.runs}/${answer.min_runs}` : 'stable'),
          ` ${baseline.runs} runs learned · first ${baseline.first_run_at ? formatTime(baseline.first_run_at) : '—'} · last ${baseline.last_run_at ? formatTime(baseline.last_run_at) : '—'}`,
          baseline.repository ? ` · repository ${baseline.repository}` : '',
        ),
        findingsLink(id),
      ),
      h('section', { class: 'panel' }, h('h2', {}, 'Numeric series (last 30 learned values)'), seriesTable(baseline.numeric ?? {})),
      h('section', { class: 'panel' }, h('h2', {}, 'Seen before'), Object.keys(SEEN_TITLES).map((name) => seenTable(name, baseline.seen?.[name]))),
    );
  })();
  return () => {
    stopped = true;
  };
}

function findingsLink(id) {
  return h('p', {}, h('a', { href: `/ui?pipeline=${encodeURIComponent(id)}`, 'data-link': true }, 'Findings of this pipeline →'));
}
