// Every pipeline's baseline: learning or stable, runs seen, last finding.
import { getJson } from './api.js';
import { clear, h } from './dom.js';
import { errorBox, findingHref, markLive, pipelineHref, severityBadge, timeCell } from './widgets.js';

const POLL_MS = 10000;

function statusBadge(row, minRuns) {
  if (row.status === 'learning') return h('span', { class: 'badge status-learning', title: `judges from ${minRuns} runs` }, `learning ${row.runs}/${minRuns}`);
  if (row.status === 'stable') return h('span', { class: 'badge status-stable' }, 'stable');
  return h('span', { class: 'badge status-unknown', title: 'no baseline was read for this pipeline' }, 'no baseline');
}

function row(pipeline, minRuns) {
  const last = pipeline.last_finding;
  return h(
    'tr',
    { dataset: { id: pipeline.id, status: pipeline.status } },
    h('td', {}, h('a', { href: pipelineHref(pipeline.id), 'data-link': true, class: 'mono' }, pipeline.id), h('div', { class: 'muted small' }, pipeline.repository ?? '')),
    h('td', {}, statusBadge(pipeline, minRuns)),
    h('td', { class: 'num' }, pipeline.runs ?? '—'),
    h('td', { class: 'nowrap' }, pipeline.last_run_at ? timeCell(pipeline.last_run_at) : '—'),
    h('td', { class: 'num' }, String(pipeline.findings)),
    h(
      'td',
      {},
      last
        ? h('a', { href: findingHref(last.finding_id), 'data-link': true }, severityBadge(last.severity), ' ', last.rule_name, ' · ', timeCell(last.detected_at))
        : h('span', { class: 'muted' }, 'none'),
    ),
  );
}

export function pipelinesView(container) {
  let stopped = false;
  const search = h('input', { name: 'q', placeholder: 'search pipelines or repositories', size: 34 });
  const status = h('select', { name: 'status', 'aria-label': 'status' }, [['', 'any status'], ['learning', 'learning'], ['stable', 'stable'], ['unknown', 'no baseline']].map(([value, label]) => h('option', { value }, label)));
  const count = h('span', { class: 'muted' });
  const note = h('div');
  const body = h('tbody', { id: 'pipelines-body' });
  container.append(
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h1', {}, 'Pipelines'), count),
      h('form', { class: 'filters', onsubmit: (event) => event.preventDefault() }, search, status),
      note,
      h('table', { class: 'pipelines' }, h('thead', {}, h('tr', {}, [['Pipeline'], ['Baseline'], ['Runs seen', 'num'], ['Last run'], ['Findings', 'num'], ['Last finding']].map(([title, align]) => h('th', { class: align }, title)))), body),
    ),
  );

  async function load() {
    try {
      const answer = await getJson('/v1/pipelines', { q: search.value.trim(), status: status.value, limit: 500 });
      if (stopped) return;
      clear(body);
      for (const pipeline of answer.pipelines) body.append(row(pipeline, answer.min_runs));
      count.textContent = `${answer.total} pipeline${answer.total === 1 ? '' : 's'} · learning until ${answer.min_runs} runs`;
      clear(note);
      if (answer.total === 0) note.append(h('p', { class: 'empty' }, 'No pipelines yet: they appear with their first run.'));
      markLive(true);
    } catch (error) {
      if (stopped) return;
      clear(note);
      note.append(errorBox(error));
      markLive(false);
    }
  }
  search.addEventListener('input', () => void load());
  status.addEventListener('change', () => void load());
  void load();
  const timer = setInterval(load, POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
