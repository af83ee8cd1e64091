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

/** A value must clear the pipeline's upper mode by this much: normal heavy tails (cache misses) stay quiet. */
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
  const source = prior ?? context.baseline;
  // The pipeline's normal upper mode: the largest recent value, the fading peak and
  // the learned upper-mode level (cache misses, cold builds), whichever is highest.
  const upperMode = direction === 'high'
    ? Math.max(...history, ownEntry(source.peaks, key) ?? 0, (source.tails && ownEntry(source.tails, key)) ?? 0)
    : Math.min(...history);
  // Bytes sent rise in the upper mode because a cache miss saves a fresh cache; a miss
  // also downloads more, writes more and takes longer. Bytes sent rising alone are not
  // that mode: they are judged against the window's ordinary runs, so a cache upload
  // seen earlier cannot hide an exfiltration.
  const coMoving = SLOW_OR_VOLUME_SERIES.has(spec.slug) && direction === 'high' && inCacheMissShape(context, source, key);
  const cacheShaped = key !== 'resources.net_tx_bytes' || coMoving;
  const guard = cacheShaped ? upperMode : ordinaryMax(history, stats.median + settings.zThreshold * stats.spread);
  const beyondTail = direction === 'high' ? observed > TAIL_FACTOR * guard : observed < guard / TAIL_FACTOR;
  if (!beyondTail) return undefined;

  const strong =
    absZ >= settings.highZ &&
    (direction === 'high' ? ratio >= settings.highRatio && observed >= 2 * guard : ratio <= 1 / settings.highRatio);
  // In the cache-miss shape (the figures a miss moves rose together) a volume or the
  // duration is explained by that benign mode: it stays a note, however large.
  const extreme = strong && direction === 'high' && observed >= extremeFactor(spec.slug) * upperMode && !coMoving;
  const severity = numericSeverity({ strong, extreme, unsuccessful, isMetric, prior: prior !== undefined, slug: spec.slug });
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
      `(normal ${low}–${high} over the last ${stats.n} runs${prior ? ` of sibling pipeline ${prior.pipeline_id}, as this one is still learning` : ''}` +
      `${direction === 'high' && upperMode > stats.median + settings.zThreshold * stats.spread ? `; its heaviest normal runs reach ${formatValue(upperMode, spec.unit)}` : ''}); ` +
      `look at what this run did differently, starting with its slowest or largest steps.`,
    evidence: {
      series: key,
      metric: name,
      unit: spec.unit,
      observed,
      ratio: Number.isFinite(ratio) ? round(ratio, 3) : null,
      robust_z: round(z, 2),
      baseline: { n: stats.n, median: stats.median, mad: stats.mad, spread: round(stats.spread, 3), band, upper_mode: upperMode, ...(prior ? { borrowed_from: prior.pipeline_id } : {}) },
      judged_against: cacheShaped ? 'upper_mode' : 'ordinary_runs',
      cache_miss_shape: coMoving,
      guard,
      extreme,
      ...(lastGood && previous !== undefined
        ? { last_good_run: { run_id: lastGood.run_id, occurred_at: lastGood.occurred_at, value: previous, change: round(observed - previous, 3) } }
        : {}),
    },
    mitigations: ['D1590'],
  };
}

/**
 * A lone resource deviation is a note (low): builds are slow, heavy or chatty for
 * many benign reasons, and a low finding keeps the run learnable. It alarms only
 * when extreme, far beyond the pipeline's upper mode and outside the cache-miss
 * shape: a duration then is high (a job hanging for hours, a miner running to the
 * timeout) unless the run failed or errored, as runs killed by a timeout do (their
 * CPU tells whether they worked), a volume medium; bytes sent go high only paired with a new destination
 * (combination.ts). CPU, memory and processes, the figures a miner or implant
 * moves, go high when strong (far past everything recent). Queue time measures the
 * CI's capacity, user metrics carry no known attack meaning, and a sibling's
 * baseline is only a hint (medium at most).
 */
function numericSeverity(facts: { strong: boolean; extreme: boolean; unsuccessful: boolean; isMetric: boolean; prior: boolean; slug: string }): Severity {
  if (facts.isMetric || facts.slug === 'queue') return 'low';
  if (facts.prior) return facts.extreme ? 'medium' : 'low';
  if (facts.slug === 'duration') return facts.extreme && !facts.unsuccessful ? 'high' : 'low';
  if (SLOW_OR_VOLUME_SERIES.has(facts.slug)) return facts.extreme ? 'medium' : 'low';
  return facts.strong ? 'high' : 'low';
}

/** Series a cache miss moves together; they alarm only far beyond that mode. */
const SLOW_OR_VOLUME_SERIES: ReadonlySet<string> = new Set(['duration', 'net_tx', 'net_rx', 'disk_write']);

/**
 * How many times the upper mode a duration or volume must reach to alarm on its
 * own: volumes swing further (a cache miss can triple them) than job time does.
 */
function extremeFactor(slug: string): number {
  return slug === 'duration' ? 3 : 4;
}

/** Geometric mean of the other cache-miss figures' ratios to their medians that marks the upper (cache-miss) mode. */
const CO_MOVEMENT_RATIO = 1.3;
const CO_MOVING_FIELDS = ['net_rx_bytes', 'disk_write_bytes', 'duration_s', 'net_tx_bytes'] as const;

/**
 * Whether the other figures a cache miss moves (bytes received, disk writes,
 * duration, bytes sent) rose with the judged one: their ratios to the median, averaged
 * geometrically so one jittery figure cannot decide it alone.
 */
function inCacheMissShape(context: RuleContext, source: PipelineBaseline, judged: string): boolean {
  const resources = context.event.resources ?? {};
  let logSum = 0;
  let count = 0;
  for (const field of CO_MOVING_FIELDS) {
    if (`resources.${field}` === judged) continue;
    const observed = resources[field];
    const history = ownEntry(source.numeric, `resources.${field}`);
    if (observed === undefined || !history || history.length === 0) continue;
    const usual = summarize(history, RELATIVE_FLOOR, specFor(`resources.${field}`).absoluteFloor).median;
    if (!(usual > 0) || !(observed > 0)) continue;
    logSum += Math.log(observed / usual);
    count += 1;
  }
  return count > 0 && logSum / count >= Math.log(CO_MOVEMENT_RATIO);
}

/** The largest recent value inside the normal band: the top of the ordinary runs, ignoring the upper mode. */
function ordinaryMax(history: readonly number[], bandTop: number): number {
  return history.reduce((max, value) => (value <= bandTop && value > max ? value : max), 0);
}
