// What a finding's evidence says, laid out per kind of rule.
import { h } from './dom.js';
import { formatSigned, formatTime, formatValue, isoFromEpochSeconds, trimNumber } from './format.js';
import { timeCell } from './widgets.js';

/** The baseline seen-set an access rule judged against. */
export function seenSetFor(ruleId) {
  if (ruleId.startsWith('access.egress.')) return { set: 'egress', title: 'Hosts this pipeline contacted' };
  if (ruleId.startsWith('access.secret.')) return { set: 'secrets', title: 'Secrets this pipeline used' };
  if (ruleId.startsWith('access.process.')) return { set: 'processes', title: 'Executables this pipeline ran' };
  if (ruleId.startsWith('access.actor.')) return { set: 'actors', title: 'Actors who ran this pipeline' };
  if (ruleId.startsWith('access.trigger.')) return { set: 'triggers', title: 'Triggers of this pipeline' };
  if (ruleId.startsWith('access.file.')) return { set: 'files', title: 'Places written outside the workspace' };
  return undefined;
}

/** The seen-set key a finding is about: for an unusual port, the host part of `host:port`. */
export function subjectKey(finding) {
  const subject = finding.subject ?? '';
  if (finding.rule.id === 'access.egress.unusual_port') return subject.replace(/:\d+$/, '');
  return subject;
}

/**
 * Value, first seen, last seen, runs seen in: the baseline's `[first, last, runs]`
 * tuples (epoch seconds), the finding's subject first and marked.
 */
export function firstSeenTable(seen, finding) {
  const key = subjectKey(finding);
  const entries = Object.entries(seen ?? {}).sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1));
  const rows = entries.map(([value, [first, last, runs]]) =>
    h(
      'tr',
      { class: value === key ? 'subject' : undefined, dataset: { value } },
      h('td', { class: 'mono' }, value, value === key ? h('span', { class: 'badge subject-badge' }, 'this finding') : null),
      h('td', { class: 'nowrap' }, formatTime(isoFromEpochSeconds(first))),
      h('td', { class: 'nowrap' }, formatTime(isoFromEpochSeconds(last))),
      h('td', { class: 'num' }, String(runs)),
    ),
  );
  if (key && !seen?.[key]) {
    rows.unshift(
      h(
        'tr',
        { class: 'subject', dataset: { value: key } },
        h('td', { class: 'mono' }, key, h('span', { class: 'badge subject-badge' }, 'this finding')),
        h('td', { colspan: 3, class: 'muted' }, 'not in the baseline: never seen before this run (a run with a high finding is not learned)'),
      ),
    );
  }
  return h(
    'table',
    { class: 'first-seen', id: 'first-seen' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Value'), h('th', {}, 'First seen'), h('th', {}, 'Last seen'), h('th', {}, 'Runs seen in'))),
    h('tbody', {}, rows),
  );
}

/** Observed against normal, for numeric findings. */
export function numericFacts(evidence) {
  const unit = evidence.unit ?? '';
  const baseline = evidence.baseline ?? {};
  const facts = [
    ['Observed', formatValue(evidence.observed, unit)],
    ['Usual (median)', formatValue(baseline.median, unit)],
    ['Normal band', Array.isArray(baseline.band) ? `${formatValue(baseline.band[0], unit)} – ${formatValue(baseline.band[1], unit)}` : '—'],
    ['Ratio to usual', evidence.ratio == null ? '—' : `${trimNumber(evidence.ratio)}×`],
    ['Robust z-score', evidence.robust_z == null ? '—' : trimNumber(evidence.robust_z)],
    ['Judged over', baseline.n ? `${baseline.n} runs${baseline.borrowed_from ? ` of sibling ${baseline.borrowed_from}` : ''}` : '—'],
  ];
  return h('dl', { class: 'facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

/** How this run differs from the last run that raised nothing high. */
export function lastGoodRun(evidence) {
  const last = evidence.last_good_run;
  if (!last) return h('p', { class: 'muted' }, 'No earlier run without a high finding is recorded for this pipeline.');
  const unit = evidence.unit ?? '';
  const lines = [h('p', {}, 'Last good run ', h('strong', { class: 'mono' }, last.run_id), ', ', timeCell(last.occurred_at), ` (${formatTime(last.occurred_at)}).`)];
  if (typeof last.value === 'number' && typeof evidence.observed === 'number') {
    const ratio = last.value !== 0 ? ` (${trimNumber(evidence.observed / last.value)}×)` : '';
    lines.push(
      h(
        'table',
        { class: 'diff', id: 'last-good-diff' },
        h('thead', {}, h('tr', {}, h('th', {}, evidence.metric ?? 'value'), h('th', {}, 'last good run'), h('th', {}, 'this run'), h('th', {}, 'change'))),
        h(
          'tbody',
          {},
          h(
            'tr',
            {},
            h('td', { class: 'mono' }, evidence.series ?? ''),
            h('td', {}, formatValue(last.value, unit)),
            h('td', {}, formatValue(evidence.observed, unit)),
            h('td', { class: 'change' }, `${formatSigned(last.change ?? evidence.observed - last.value, unit)}${ratio}`),
          ),
        ),
      ),
    );
  } else if (evidence.observed !== undefined) {
    lines.push(h('p', {}, 'This run: ', h('code', {}, typeof evidence.observed === 'string' ? evidence.observed : JSON.stringify(evidence.observed)), ', which the last good run did not have.'));
  }
  return h('div', {}, lines);
}
