// One finding: what it says, the evidence drawn against the pipeline's baseline,
// the last good run, and the suppress button.
import { ApiError, getJson } from './api.js';
import { h } from './dom.js';
import { formatTime, trimNumber } from './format.js';
import { firstSeenTable, lastGoodRun, numericFacts, seenSetFor } from './evidence.js';
import { renderMetricPlot } from './plot.js';
import { suppressForm, suppressionNote } from './suppress-form.js';
import { errorBox, pipelineHref, runLink, severityBadge, timeCell } from './widgets.js';

function section(title, ...content) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...content);
}

function header(finding) {
  const { run } = finding;
  const runFacts = [run.trigger && `trigger ${run.trigger}`, run.branch && `branch ${run.branch}`, run.actor && `by ${run.actor}`, run.commit && `commit ${run.commit.slice(0, 12)}`].filter(Boolean);
  return h(
    'section',
    { class: 'panel finding-head' },
    h('a', { href: '/ui', 'data-link': true, class: 'back' }, '← Findings'),
    h('h1', {}, severityBadge(finding.severity), ' ', finding.rule.name),
    h(
      'p',
      { class: 'meta' },
      h('code', {}, finding.rule.id),
      ` · ${finding.rule.category} · score ${trimNumber(finding.score, 2)} · detected `,
      timeCell(finding.detected_at),
      ` (${formatTime(finding.detected_at)})`,
    ),
    h(
      'p',
      { class: 'meta' },
      'Pipeline ',
      h('a', { href: pipelineHref(finding.pipeline.id), 'data-link': true, class: 'mono' }, finding.pipeline.id),
      ' · ',
      runLink(run),
      runFacts.length > 0 ? ` · ${runFacts.join(' · ')}` : '',
    ),
    h('p', { class: 'summary-text', id: 'finding-summary' }, finding.summary),
  );
}

async function baselineOf(pipelineId) {
  try {
    return (await getJson(`/v1/pipelines/${encodeURIComponent(pipelineId)}/baseline`)).baseline;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function numericSection(finding) {
  const evidence = finding.evidence;
  const source = evidence.baseline?.borrowed_from ?? finding.pipeline.id;
  const box = h('div', { class: 'plot', id: 'metric-plot' });
  const note = h('p', { class: 'muted small' });
  const panel = section(`${evidence.metric ?? evidence.series} over recent runs`, box, note, numericFacts(evidence));
  let history = [];
  try {
    history = (await baselineOf(source))?.numeric?.[evidence.series] ?? [];
  } catch (error) {
    note.append(errorBox(error));
  }
  note.prepend(
    history.length > 0
      ? `The last ${history.length} values learned by the baseline of ${source === finding.pipeline.id ? 'this pipeline' : source} (values are learned clipped to the band's edge), then this run in red. The shaded band is the normal range it was judged against.`
      : 'The baseline holds no values for this series now; only this run and its band are drawn.',
  );
  // Drawn once the panel is in the page, so uPlot can size it to the column.
  return {
    panel,
    draw: () =>
      renderMetricPlot(box, {
        history,
        observed: evidence.observed,
        band: evidence.baseline.band,
        median: evidence.baseline.median,
        label: evidence.metric ?? evidence.series,
        unit: evidence.unit ?? '',
      }),
  };
}

async function accessSection(finding, which) {
  const body = h('div', {});
  try {
    const baseline = await baselineOf(finding.pipeline.id);
    if (baseline) {
      body.append(
        h('p', { class: 'muted small' }, `From the pipeline's baseline now (${baseline.runs} runs learned). Newest first-seen first.`),
        firstSeenTable(baseline.seen?.[which.set], finding),
      );
    } else body.append(h('p', { class: 'muted' }, 'No baseline is available for this pipeline.'));
  } catch (error) {
    body.append(errorBox(error));
  }
  return section(which.title, body);
}

export function findingView(container, { params }) {
  const id = decodeURIComponent(params[0]);
  let stopped = false;
  void (async () => {
    let answer;
    try {
      answer = await getJson(`/v1/findings/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!stopped) container.append(h('section', { class: 'panel' }, h('a', { href: '/ui', 'data-link': true, class: 'back' }, '← Findings'), errorBox(error)));
      return;
    }
    if (stopped) return;
    const { finding, suppression } = answer;
    document.title = `${finding.rule.name} · pipewatch`;
    const status = h('div', { class: 'suppression' }, suppression ? suppressionNote(suppression) : null);
    const form = suppressForm(finding, (added) => {
      status.replaceChildren(suppressionNote(added));
    });
    const actions = h(
      'section',
      { class: 'panel actions' },
      h('button', { type: 'button', id: 'suppress-button', onclick: () => (form.hidden = !form.hidden) }, 'Suppress…'),
      status,
      form,
    );
    const parts = [header(finding), actions];
    let draw;
    const evidence = finding.evidence ?? {};
    if (typeof evidence.series === 'string' && typeof evidence.observed === 'number' && Array.isArray(evidence.baseline?.band)) {
      const numeric = await numericSection(finding);
      parts.push(numeric.panel);
      draw = numeric.draw;
    }
    const which = seenSetFor(finding.rule.id);
    if (which) parts.push(await accessSection(finding, which));
    parts.push(section('Compared with the last good run', lastGoodRun(evidence)));
    const threat = finding.threat
      ? h('p', { class: 'muted' }, `${finding.threat.framework} ${finding.threat.technique.id} ${finding.threat.technique.name}${finding.threat.mitigations?.length ? ` · mitigations ${finding.threat.mitigations.join(', ')}` : ''}`)
      : null;
    parts.push(section('Evidence', threat, h('details', {}, h('summary', {}, 'Raw evidence (JSON)'), h('pre', { id: 'evidence-json' }, JSON.stringify(evidence, null, 2)))));
    if (stopped) return;
    container.append(...parts);
    draw?.();
  })();
  return () => {
    stopped = true;
  };
}
