import { round } from '../robust-stats.js';
import type { Candidate } from './rule.js';

/**
 * Several weak signals in one run (a new host, a CPU spike, a new process) are
 * how a quiet implant looks. Three or more low/medium findings from at least two
 * categories, two of them beyond resource figures, strong enough together, add one
 * high finding naming them all.
 */
export function combineWeakSignals(candidates: readonly Candidate[]): Candidate | undefined {
  return exfiltrationPair(candidates) ?? weakSignals(candidates);
}

/** Data volume out far above normal, to a destination never used before: the shape of exfiltration. */
function exfiltrationPair(candidates: readonly Candidate[]): Candidate | undefined {
  const volume = candidates.find((candidate) => candidate.ruleId === 'resource.net_tx.high');
  // A public download host that was sent next to nothing is not where the bytes went;
  // nor, in a run in the cache-miss shape (whose fresh cache upload explains the
  // volume), is a new destination unless the collector saw real bytes go to it.
  const explained = volume?.evidence.cache_miss_shape === true;
  const destinations = candidates.filter(
    (candidate) =>
      (candidate.ruleId === 'access.egress.new_host' && candidate.evidence.public_download_host !== true && (!explained || bytesSentTo(candidate) >= EXPLAINED_UPLOAD_LIMIT)) ||
      candidate.ruleId === 'access.egress.unresolved_ip',
  );
  if (!volume || destinations.length === 0) return undefined;
  const combined = 1 - (1 - volume.score) * destinations.reduce((innocent, candidate) => innocent * (1 - candidate.score), 1);
  return {
    ruleId: 'access.egress.exfiltration',
    ruleName: 'Unusual volume sent to a new destination',
    category: 'access',
    severity: 'high',
    score: round(Math.max(combined, 0.8), 4),
    subject: 'run',
    summary: `The job sent far more data than usual (${volume.summary.split(';')[0]}) in the same run that it first contacted ${destinations.map((candidate) => candidate.subject).join(', ')}; that is what exfiltration looks like: find the step, and rotate the secrets it could read.`,
    evidence: { signals: [volume, ...destinations].map((candidate) => `${candidate.ruleId} (${candidate.subject})`), volume: volume.evidence, destinations: destinations.map((candidate) => candidate.subject) },
    mitigations: ['D1590'],
  };
}

/** Bytes a new destination must have received for a cache-miss run's upload to count as going there. */
const EXPLAINED_UPLOAD_LIMIT = 1024 * 1024;

function bytesSentTo(candidate: Candidate): number {
  const observed = candidate.evidence.observed as { bytes_out?: number } | undefined;
  return observed?.bytes_out ?? 0;
}

function weakSignals(candidates: readonly Candidate[]): Candidate | undefined {
  const weak = candidates.filter((candidate) => candidate.severity === 'low' || candidate.severity === 'medium');
  if (weak.length < candidates.length) return undefined;
  const signals = distinctSignals(weak);
  if (signals.length < 3) return undefined;
  const categories = new Set(signals.map((candidate) => candidate.category));
  if (categories.size < 2) return undefined;
  // At least one of the signals beyond resource figures must be medium: two notes (a
  // new hash, a re-run's rebuilt artifact) during a slow build are an ordinary upgrade.
  const beyondResources = signals.filter((candidate) => candidate.category !== 'resource');
  if (beyondResources.length < 2 || !beyondResources.some((candidate) => candidate.severity === 'medium')) return undefined;
  // Independent-evidence combination: the chance that every signal is innocent.
  const combined = 1 - signals.reduce((innocent, candidate) => innocent * (1 - candidate.score), 1);
  if (combined < 0.85) return undefined;
  const rules = weak.map((candidate) => `${candidate.ruleId} (${candidate.subject})`);
  return {
    ruleId: 'context.combined.weak_signals',
    ruleName: 'Several weak signals in one run',
    category: 'context',
    severity: 'high',
    score: round(combined, 4),
    subject: 'run',
    summary: `${signals.length} independent unusual things happened in this one run (${signals.map((candidate) => candidate.ruleName.toLowerCase()).join('; ')}); together they look like a compromised step rather than drift: review the run end to end.`,
    evidence: { signals: rules, independent_signals: signals.map((candidate) => candidate.ruleId), categories: [...categories].sort(), combined_score: round(combined, 4) },
    mitigations: ['D1590'],
  };
}

/**
 * The independent signals among weak findings: one per rule (a toolchain upgrade
 * changes many hashes at once; that is one change), resource figures together as
 * one (a slow run is slow everywhere), and none from a run in the cache-miss shape,
 * whose figures that benign mode explains. The strongest of each group speaks for it.
 */
function distinctSignals(weak: readonly Candidate[]): Candidate[] {
  const strongest = new Map<string, Candidate>();
  for (const candidate of weak) {
    if (candidate.category === 'resource' && candidate.evidence.cache_miss_shape === true) continue;
    const group = candidate.category === 'resource' ? 'resource' : candidate.ruleId;
    const known = strongest.get(group);
    if (!known || candidate.score > known.score) strongest.set(group, candidate);
  }
  return [...strongest.values()];
}
