import { redactText, type LogBatch, type RuleCategory, type Severity } from '@pipewatch/shared';
import type { PipelineBaseline } from '../baseline.js';
import { findEncodedBlobs } from './encoded-blobs.js';
import { pipedToShellUrl } from './piped-to-shell.js';
import { seenEntry } from '../seen-set.js';

/** A log rule's verdict on one batch: every matching line, kept short for evidence. */
export interface LogCandidate {
  ruleId: string;
  ruleName: string;
  category: RuleCategory;
  severity: Severity;
  score: number;
  summary: string;
  matches: { line: number; excerpt: string }[];
  mitigations: string[];
  extra?: Record<string, unknown>;
}

const MINER = /\b(xmrig|xmr-stak|minerd|cpuminer|nbminer|t-rex|lolminer|cryptonight|randomx)\b|stratum\+(tcp|ssl|tls):\/\//i;
const MEMORY_READ = /\/proc\/(\d+|self|\$[A-Za-z_{}()]+|\*)\/mem\b/;
const RUNNER_WORKER = /Runner\.Worker/;
const RUNNER_PROBE = /(pgrep|pidof|ps\s|\/proc\/|grep|gcore|gdb|memdump)/i;

/**
 * Log content rules (T0159's visible traces): encoded dumps, secrets inside them,
 * runner memory reads, remote scripts piped into a shell from hosts the pipeline
 * never contacts, and crypto miners.
 */
export function judgeLogBatch(batch: LogBatch, baseline: PipelineBaseline | undefined, minRuns = 10): LogCandidate[] {
  const blobs: LogCandidate['matches'] = [];
  const secrets: LogCandidate['matches'] = [];
  const secretKinds = new Set<string>();
  const memory: LogCandidate['matches'] = [];
  const pipes: LogCandidate['matches'] = [];
  const pipeHosts = new Set<string>();
  const miners: LogCandidate['matches'] = [];
  let doubleEncoded = false;

  batch.lines.forEach(({ text }, index) => {
    const line = index + 1;
    for (const blob of findEncodedBlobs(text)) {
      if (blob.secretKinds.length > 0) {
        secrets.push({ line, excerpt: excerpt(text) });
        for (const kind of blob.secretKinds) secretKinds.add(kind);
      } else if (blob.depth === 2 || blob.length >= 400) {
        blobs.push({ line, excerpt: excerpt(text) });
        doubleEncoded ||= blob.depth === 2;
      }
    }
    if (MEMORY_READ.test(text) || (RUNNER_WORKER.test(text) && RUNNER_PROBE.test(text))) memory.push({ line, excerpt: excerpt(text) });
    const pipedUrl = pipedToShellUrl(text);
    if (pipedUrl !== undefined) {
      const host = hostOf(pipedUrl);
      if (host && !(baseline && seenEntry(baseline.seen.egress, host))) {
        pipes.push({ line, excerpt: excerpt(text) });
        pipeHosts.add(host);
      }
    }
    if (MINER.test(text)) miners.push({ line, excerpt: excerpt(text) });
  });

  const out: LogCandidate[] = [];
  if (secrets.length > 0) {
    out.push({
      ruleId: 'log.encoded_secret',
      ruleName: 'Secrets printed in encoded form',
      category: 'log',
      severity: 'critical',
      score: 0.98,
      summary: `The log holds base64-encoded data that decodes to credentials (${[...secretKinds].join(', ')}) on ${secrets.length} line(s), the way the tj-actions/changed-files payload leaked secrets past masking: treat every secret of this job as stolen and rotate them now.`,
      matches: secrets,
      mitigations: ['D1590', 'M1591'],
      extra: { secret_kinds: [...secretKinds].sort() },
    });
  }
  if (blobs.length > 0) {
    out.push({
      ruleId: 'log.encoded_blob',
      ruleName: 'Encoded blob dumped to the log',
      category: 'log',
      severity: doubleEncoded ? 'high' : 'medium',
      score: doubleEncoded ? 0.85 : 0.6,
      summary: `The log contains ${doubleEncoded ? 'doubly base64-encoded' : 'long base64-encoded'} high-entropy data on ${blobs.length} line(s); encoding is how stolen data gets past log masking: decode it offline and check what step printed it.`,
      matches: blobs,
      mitigations: ['D1590'],
      extra: { double_encoded: doubleEncoded },
    });
  }
  if (memory.length > 0) {
    out.push({
      ruleId: 'log.runner_memory_read',
      ruleName: 'Runner process memory read',
      category: 'log',
      severity: 'critical',
      score: 0.95,
      summary: `A step read process memory (/proc/<pid>/mem or the Runner.Worker process) on ${memory.length} line(s); that is how secrets are pulled from the runner unmasked: stop the pipeline and rotate its secrets.`,
      matches: memory,
      mitigations: ['D1590', 'M1660'],
    });
  }
  if (pipes.length > 0) {
    // Without a judged baseline there is no list of trusted hosts yet: report, quietly.
    const knowsHosts = baseline !== undefined && baseline.runs >= minRuns;
    out.push({
      ruleId: 'log.pipe_to_shell',
      ruleName: 'Remote script piped into a shell',
      category: 'log',
      severity: knowsHosts ? 'high' : 'low',
      score: knowsHosts ? 0.8 : 0.35,
      summary: `A step piped a script from ${[...pipeHosts].join(', ')} straight into a shell, a host this pipeline never contacted; the script ran unverified with the job's secrets (the Codecov uploader pattern): pin it by checksum (M1591).`,
      matches: pipes,
      mitigations: ['M1591', 'D1590'],
      extra: { hosts: [...pipeHosts].sort() },
    });
  }
  if (miners.length > 0) {
    out.push({
      ruleId: 'log.miner',
      ruleName: 'Crypto-miner in the log',
      category: 'log',
      severity: 'critical',
      score: 0.95,
      summary: `The log shows a crypto-miner (${(MINER.exec(miners[0]!.excerpt)?.[0] ?? 'miner').toLowerCase()}) on ${miners.length} line(s), as in the Ultralytics release compromise: the build or a dependency is running attacker code; pull the artifacts it produced.`,
      matches: miners,
      mitigations: ['D1590', 'M1591'],
    });
  }
  return out;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Evidence keeps lines short and never carries what it warns about: blobs are
 * replaced by their length and credential shapes are redacted, so a finding
 * cannot re-leak a secret into Elasticsearch or Slack.
 */
function excerpt(text: string): string {
  const masked = redactText(text.replace(/[A-Za-z0-9+/_-]{60,}={0,2}/g, (blob) => `<base64, ${blob.length} chars>`)).text;
  return masked.length <= 160 ? masked : `${masked.slice(0, 157)}…`;
}
