// The findings list: newest first, filters in the URL, new findings polled in.
import { getJson } from './api.js';
import { clear, h } from './dom.js';
import { CATEGORIES } from './format.js';
import { errorBox, findingHref, markLive, pipelineHref, runLink, severityBadge, timeCell } from './widgets.js';

const POLL_MS = 5000;
const PAGE = 50;
const RANGES = [
  ['', 'all time'],
  ['1h', 'last hour'],
  ['24h', 'last 24 hours'],
  ['7d', 'last 7 days'],
  ['30d', 'last 30 days'],
];
const RANGE_MS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const FILTERS = ['min_severity', 'category', 'repository', 'pipeline', 'range'];

function filtersFromUrl() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? '']));
}

function apiParams(filters) {
  const { range, ...rest } = filters;
  return { ...rest, since: RANGE_MS[range] ? new Date(Date.now() - RANGE_MS[range]).toISOString() : '' };
}

function select(name, value, options) {
  return h('select', { name, 'aria-label': name }, options.map(([optionValue, label]) => h('option', { value: optionValue, selected: optionValue === value }, label)));
}

function filterForm(filters, onChange) {
  const form = h(
    'form',
    { class: 'filters', onsubmit: (event) => event.preventDefault() },
    h('label', {}, 'Severity ', select('min_severity', filters.min_severity, [['', 'any'], ['critical', 'critical'], ['high', 'high and above'], ['medium', 'medium and above'], ['low', 'low and above']])),
    h('label', {}, 'Category ', select('category', filters.category, [['', 'any'], ...CATEGORIES.map((category) => [category, category])])),
    h('label', {}, 'Repository ', h('input', { name: 'repository', value: filters.repository, placeholder: 'octo/* or exact', size: 18 })),
    h('label', {}, 'Pipeline ', h('input', { name: 'pipeline', value: filters.pipeline, placeholder: 'glob or exact id', size: 22 })),
    h('label', {}, 'Time ', select('range', filters.range, RANGES)),
  );
  const read = () => Object.fromEntries(FILTERS.map((name) => [name, form.elements[name].value.trim()]));
  form.addEventListener('change', () => onChange(read()));
  return form;
}

function row(finding, suppressedBy, navigate) {
  const open = (event) => {
    if (event.target.closest('a')) return;
    navigate(findingHref(finding.finding_id));
  };
  return h(
    'tr',
    { class: 'finding-row', dataset: { id: finding.finding_id, severity: finding.severity }, onclick: open },
    h('td', { class: 'nowrap' }, timeCell(finding.detected_at)),
    h('td', {}, severityBadge(finding.severity), suppressedBy ? h('span', { class: 'badge suppressed', title: suppressedBy }, 'suppressed') : null),
    h('td', {}, h('div', {}, finding.rule.name), h('div', { class: 'muted small' }, finding.rule.id)),
    h(
      'td',
      { class: 'pipeline-cell' },
      h('a', { href: pipelineHref(finding.pipeline.id), 'data-link': true }, finding.pipeline.name ?? finding.pipeline.job ?? finding.pipeline.id),
      h('div', { class: 'muted small' }, finding.pipeline.repository ?? finding.pipeline.id),
    ),
    h('td', { class: 'summary' }, h('a', { href: findingHref(finding.finding_id), 'data-link': true }, finding.summary)),
    h('td', { class: 'nowrap' }, runLink(finding.run)),
  );
}

export function findingsView(container, { navigate }) {
  let filters = filtersFromUrl();
  let cursor = null;
  let newestId = null;
  let timer;
  let stopped = false;

  const count = h('span', { class: 'muted', id: 'findings-count' });
  const body = h('tbody', { id: 'findings-body' });
  const more = h('button', { type: 'button', class: 'more', hidden: true, onclick: () => loadPage(false) }, 'Load more');
  const status = h('div');
  const table = h(
    'table',
    { class: 'findings' },
    h('thead', {}, h('tr', {}, ['When', 'Severity', 'Rule', 'Pipeline', 'Summary', 'CI run'].map((title) => h('th', {}, title)))),
    body,
  );
  const form = filterForm(filters, (next) => {
    filters = next;
    const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
    history.replaceState(null, '', query.size > 0 ? `/ui?${query}` : '/ui');
    void loadPage(true);
  });
  container.append(h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h1', {}, 'Findings'), count), form, status, table, more));

  async function loadPage(first) {
    try {
      const page = await getJson('/v1/findings', { ...apiParams(filters), limit: PAGE, cursor: first ? '' : cursor });
      if (stopped) return;
      if (first) {
        clear(body);
        newestId = page.findings[0]?.finding_id ?? null;
      }
      for (const finding of page.findings) body.append(row(finding, page.suppressed[finding.finding_id], navigate));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      count.textContent = `${page.total} finding${page.total === 1 ? '' : 's'}`;
      clear(status);
      if (page.total === 0) status.append(h('p', { class: 'empty' }, 'No findings match. Findings appear here as the detector raises them.'));
      markLive(true);
    } catch (error) {
      if (stopped) return;
      clear(status);
      status.append(errorBox(error));
      markLive(false);
    }
  }

  /** Prepends findings newer than the newest shown, so rows the reader is looking at stay put. */
  async function poll() {
    try {
      const page = await getJson('/v1/findings', { ...apiParams(filters), limit: PAGE });
      if (stopped) return;
      const fresh = [];
      for (const finding of page.findings) {
        if (finding.finding_id === newestId) break;
        fresh.push(finding);
      }
      if (fresh.length === PAGE || (newestId === null && fresh.length > 0)) return void loadPage(true);
      for (const finding of fresh.reverse()) {
        const element = row(finding, page.suppressed[finding.finding_id], navigate);
        element.classList.add('new');
        body.prepend(element);
      }
      if (fresh.length > 0) {
        newestId = page.findings[0].finding_id;
        clear(status);
      }
      count.textContent = `${page.total} finding${page.total === 1 ? '' : 's'}`;
      markLive(true);
    } catch {
      markLive(false);
    }
  }

  void loadPage(true).then(() => {
    if (!stopped) timer = setInterval(poll, POLL_MS);
  });
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
