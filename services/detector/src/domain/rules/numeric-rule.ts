import type { Severity } from '@pipewatch/shared';
import { formatIn, formatValue, trim } from '../format.js';
import { round, scoreFromZ, summarize } from '../robust-stats.js';
import { RELATIVE_FLOOR, seriesOf, specFor } from '../series.js';
import type { PipelineBaseline } from '../baseline.js';
import type { Candidate, Rule, RuleContext } from './rule.js';
import { ownEntry } from '../own-entry.js';

/**
 * Every resource and metric against the pipeline's own robust baseline (median and
 * scaled MAD over recent runs). A value must be far out in spreads *and* a real
 * multiple of normal: both guards together keep tight-but-jittery series quiet.
 */
export const numericRule: Rule = (context) => {
  const out: Candidate[] = [];
  const { minRuns } = context.settings;
  for (const [key, observed] of seriesOf(context.event)) {
    const own = ownEntry(context.baseline.numeric, key);
    if (context.judging && own && own.length >= minRuns) {
      const candidate = judge(key, observed, own, context, undefined);
      if (candidate) out.push(candidate);
      continue;
    }
    // While learning, a judged sibling of the same repository stands in, more cautiously.
    const borrowed = context.prior ? ownEntry(context.prior.numeric, key) : undefined;
    if (context.prior && borrowed && borrowed.length >= minRuns) {
      const candidate = judge(key, observed, borrowed, context, context.prior);
      if (candidate) out.push(candidate);
    }
  }
  return out;
};

/** Spreads added to the threshold when judging against a sibling's baseline. */
const PRIOR_MARGIN = 2;

/** A value must clear the largest recent value by this much: normal heavy tails (cache misses) stay quiet. */
const TAIL_FACTOR = 1.5;

function judge(key: string, observed: number, history: number[], context: RuleContext, prior: PipelineBaseline | undefined): Candidate | undefined {
  const settings = prior ? { ...context.settings, zThreshold: context.settings.zThreshold + PRIOR_MARGIN } : context.settings;
  const spec = specFor(key);
  const stats = summarize(history, RELATIVE_FLOOR, spec.absoluteFloor);
  const z = (observed - stats.median) / stats.spread;
  const isMetric = key.startsWith('metrics.');
  const direction = z >= 0 ? 'high' : 'low';
  // Resources only alarm upwards (a faster build is not an attack); metrics both ways
  // (tests vanishing is), but only on successful runs: a failed run stops early by nature.
  if (direction === 'low' && (!isMetric || (context.event.run.status ?? 'success') !== 'success')) return undefined;
  const absZ = Math.abs(z);
  // Failed and cancelled runs stop or hang in unusual ways by nature: they need more evidence.
  const unsuccessful = (context.event.run.status ?? 'success') !== 'success';
  if (absZ < settings.zThreshold + (unsuccessful ? 2 : 0)) return undefined;
  const ratio = stats.median === 0 ? Number.POSITIVE_INFINITY : observed / stats.median;
  const minRatio = unsuccessful ? settings.minRatio + 0.5 : settings.minRatio;
  const farEnough = direction === 'high' ? ratio >= minRatio : ratio <= 1 / minRatio;
  if (!farEnough) return undefined;
  // Bytes sent keep only the window's tail: a remembered cache upload must not hide an exfiltration.
  const remembered = key === 'resources.net_tx_bytes' ? undefined : (prior ?? context.baseline).peaks[key];
  const peak = direction === 'high' ? Math.max(...history, remembered ?? 0) : Math.min(...history);
  const beyondTail = direction === 'high' ? observed > TAIL_FACTOR * peak : observed < peak / TAIL_FACTOR;
  if (!beyondTail) return undefined;

  const strong =
    absZ >= settings.highZ &&
    (direction === 'high' ? ratio >= settings.highRatio && observed >= 2 * peak : ratio <= 1 / settings.highRatio);
  const severity = numericSeverity({ strong, isMetric, prior: prior !== undefined, slug: spec.slug });
  const band: [number, number] = [
    round(Math.max(0, stats.median - settings.zThreshold * stats.spread), 3),
    round(stats.median + settings.zThreshold * stats.spread, 3),
  ];
  const name = key.slice(key.indexOf('.') + 1);
  const ruleId = isMetric ? `resource.metric.${direction}` : `resource.${spec.slug}.high`;
  const lastGood = context.baseline.last_good;
  const previous = lastGood?.values[key];
  const times = Number.isFinite(ratio) ? `${trim(ratio)}× the usual` : 'against a usual';
  const [usual, low, high] = formatIn(stats.median, spec.unit, stats.median, band[0], band[1]);

  return {
    ruleId,
    ruleName: isMetric ? `Metric unusually ${direction}` : `${spec.label} unusually high`,
    category: 'resource',
    severity,
    score: scoreFromZ(absZ),
    subject: key,
    summary:
      `${spec.label} was ${formatValue(observed, spec.unit)}, ${times} ${usual} ` +
      `(normal ${low}–${high} over the last ${stats.n} runs${prior ? ` of sibling pipeline ${prior.pipeline_id}, as this one is still learning` : ''}); ` +
      `look at what this run did differently, starting with its slowest or largest steps.`,
    evidence: {
      series: key,
      metric: name,
      unit: spec.unit,
      observed,
      ratio: Number.isFinite(ratio) ? round(ratio, 3) : null,
      robust_z: round(z, 2),
      baseline: { n: stats.n, median: stats.median, mad: stats.mad, spread: round(stats.spread, 3), band, peak, ...(prior ? { borrowed_from: prior.pipeline_id } : {}) },
      ...(lastGood && previous !== undefined
        ? { last_good_run: { run_id: lastGood.run_id, occurred_at: lastGood.occurred_at, value: previous, change: round(observed - previous, 3) } }
        : {}),
    },
    mitigations: ['D1590'],
  };
}

/**
 * Transfer volumes swing widely in normal builds (a cache miss uploads a new cache),
 * so on their own they stay medium; a high would keep the run, and so the
 * pipeline's normal tail, out of the baseline. They become high paired with a new
 * destination (see combination.ts). Time, CPU and memory go high only far past
 * everything recent. Queue time measures the CI's capacity, user metrics carry no
 * known attack meaning, and a sibling's baseline is only a hint: low.
 */
function numericSeverity(facts: { strong: boolean; isMetric: boolean; prior: boolean; slug: string }): Severity {
  if (facts.isMetric || facts.slug === 'queue') return 'low';
  if (facts.prior) return facts.strong ? 'medium' : 'low';
  if (VOLUME_SERIES.has(facts.slug)) return 'medium';
  return facts.strong ? 'high' : 'medium';
}

const VOLUME_SERIES: ReadonlySet<string> = new Set(['net_tx', 'net_rx', 'disk_write']);
