import type { Egress, Severity } from '@pipewatch/shared';
import type { SeenSet } from '../baseline.js';
import type { Candidate, Rule, RuleContext } from './rule.js';

/** Ports used by mining pools and common reverse shells: a new host on one of them is worse. */
export const SUSPICIOUS_PORTS: ReadonlySet<number> = new Set([1337, 3333, 4444, 5555, 6666, 7777, 8888, 9999, 14433, 14444, 45560, 45700]);

export function egressKey(egress: Egress): string | undefined {
  return egress.host ?? egress.ip;
}

/**
 * Access never seen before on a pipeline with history: an outbound host, a raw IP
 * reached without DNS, a secret, an executable. Each is one finding per subject.
 */
export const noveltyRule: Rule = (context) => {
  if (!context.judging) return [];
  return [...egressFindings(context), ...secretFindings(context), ...processFindings(context)];
};

function egressFindings(context: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  const seen = context.baseline.seen.egress;
  const reported = new Set<string>();
  for (const egress of context.event.access?.egress ?? []) {
    const key = egressKey(egress);
    if (!key || seen[key] || reported.has(key)) continue;
    reported.add(key);
    const where = egress.port === undefined ? key : `${key}:${egress.port}`;
    const badPort = egress.port !== undefined && SUSPICIOUS_PORTS.has(egress.port);
    const evidence = { observed: { ...egress }, known_hosts: Object.keys(seen).length, baseline: { runs: context.baseline.runs } };
    if (!egress.host && egress.resolved === false) {
      out.push({
        ruleId: 'access.egress.unresolved_ip',
        ruleName: 'Raw IP reached without DNS',
        category: 'access',
        severity: badPort ? 'critical' : 'high',
        score: badPort ? 0.95 : 0.85,
        subject: key,
        summary: `Connected to ${where} by bare IP with no DNS lookup first, never seen in ${context.baseline.runs} runs; hard-coded addresses are typical of implants and exfiltration: find the step that made it and treat the job's secrets as exposed.`,
        evidence,
        mitigations: ['D1590'],
      });
      continue;
    }
    const severity: Severity = badPort ? 'high' : 'medium';
    out.push({
      ruleId: 'access.egress.new_host',
      ruleName: 'New egress destination',
      category: 'access',
      severity,
      score: badPort ? 0.85 : 0.6,
      subject: key,
      summary: `Connected to ${where}, which this pipeline has not contacted in ${context.baseline.runs} runs${badPort ? ' (a port used by mining pools and reverse shells)' : ''}; check which step opened it and whether it could carry secrets out.`,
      evidence,
      mitigations: ['D1590'],
    });
  }
  return out;
}

function secretFindings(context: RuleContext): Candidate[] {
  const seen = context.baseline.seen.secrets;
  const fresh = unique(context.event.access?.secrets ?? []).filter((name) => !seen[name]);
  return fresh.map((name) => ({
    ruleId: 'access.secret.new',
    ruleName: 'Secret used for the first time',
    category: 'access' as const,
    severity: 'medium' as const,
    score: 0.55,
    subject: name,
    summary: `The job read secret ${name}, which none of its ${context.baseline.runs} earlier runs used; confirm the workflow change that added it was reviewed.`,
    evidence: { observed: name, known_secrets: Object.keys(seen).sort(), baseline: { runs: context.baseline.runs } },
    mitigations: ['D1590', 'M1662'],
  }));
}

function processFindings(context: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  const seen = context.baseline.seen.processes;
  const hashes = context.baseline.seen.process_hashes;
  const reported = new Set<string>();
  for (const process of context.event.access?.processes ?? []) {
    if (reported.has(process.exe)) continue;
    const known = seen[process.exe];
    if (!known) {
      reported.add(process.exe);
      out.push({
        ruleId: 'access.process.new',
        ruleName: 'New executable',
        category: 'access',
        severity: 'low',
        score: 0.4,
        subject: process.exe,
        summary: `Ran ${process.exe}${process.parent ? ` (from ${process.parent})` : ''}, an executable not seen in ${context.baseline.runs} runs; check that a reviewed change brought it in.`,
        evidence: { observed: { ...process }, baseline: { runs: context.baseline.runs } },
        mitigations: ['D1590'],
      });
      continue;
    }
    if (process.sha256 && !hashes[`${process.exe}#${process.sha256}`] && hasAnyHash(hashes, process.exe)) {
      reported.add(process.exe);
      out.push({
        ruleId: 'access.process.new_hash',
        ruleName: 'Known executable with a new hash',
        category: 'access',
        severity: 'medium',
        score: 0.65,
        subject: process.exe,
        summary: `${process.exe} ran with sha256 ${process.sha256.slice(0, 12)}…, which differs from every build of it seen in ${known.runs} runs; confirm it was updated on purpose (toolchain or image upgrade), not replaced.`,
        evidence: { observed: { ...process }, first_seen: known.first, known_hashes: knownHashes(hashes, process.exe) },
        mitigations: ['D1590', 'M1591'],
      });
    }
  }
  return out;
}

function hasAnyHash(hashes: SeenSet, exe: string): boolean {
  return knownHashes(hashes, exe).length > 0;
}

function knownHashes(hashes: SeenSet, exe: string): string[] {
  const prefix = `${exe}#`;
  return Object.keys(hashes).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

