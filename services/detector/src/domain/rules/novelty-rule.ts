import type { Severity } from '@pipewatch/shared';
import { digestFingerprint } from '../fingerprint.js';
import { egressKey } from '../normalize.js';
import { describeSeen, seenCount, seenEntry, seenNames, topSeen } from '../seen-set.js';
import { DISTRIBUTION_HOSTS, DISTRIBUTION_UPLOAD_LIMIT } from './distribution-hosts.js';
import type { Candidate, Rule, RuleContext } from './rule.js';
import { knownProcessHashes } from '../baseline.js';

/** Ports used by mining pools and common reverse shells: a new host on one of them is worse. */
export const SUSPICIOUS_PORTS: ReadonlySet<number> = new Set([1337, 3333, 4444, 5555, 6666, 7777, 8888, 9999, 14433, 14444, 45560, 45700]);

/**
 * Access never seen before on a pipeline with history: an outbound host, a raw IP
 * reached without DNS, an unusual port, a secret, an executable. One finding per
 * subject. Anything seen in any earlier run is known, however rarely it appears.
 */
export const noveltyRule: Rule = (context) => {
  if (!context.judging) return [];
  return [...egressFindings(context), ...secretFindings(context), ...processFindings(context)];
};

function egressFindings(context: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  const { egress: seen, ports } = context.baseline.seen;
  const runs = context.baseline.runs;
  const reported = new Set<string>();
  // Built only when a finding needs it: most runs reach only hosts they know.
  const normal = (): Record<string, unknown> => ({ runs, usual_destinations: topSeen(seen, 10), known_destinations: seenCount(seen) });
  for (const egress of context.event.access?.egress ?? []) {
    const key = egressKey(egress);
    if (!key || reported.has(key)) continue;
    const where = egress.port === undefined ? key : `${key}:${egress.port}`;
    const badPort = egress.port !== undefined && SUSPICIOUS_PORTS.has(egress.port);
    const known = seenEntry(seen, key);
    if (known) {
      // A known host on a port the pipeline never used, and one miners and shells favour.
      if (badPort && !seenEntry(ports, String(egress.port))) {
        reported.add(key);
        out.push({
          ruleId: 'access.egress.unusual_port',
          ruleName: 'Connection on an unusual port',
          category: 'access',
          severity: 'high',
          score: 0.8,
          subject: `${key}:${egress.port}`,
          summary: `Connected to ${where}: the host is known but port ${egress.port} (used by mining pools and reverse shells) never appeared in ${runs} runs; find the process behind it.`,
          evidence: { observed: { ...egress }, host: describeSeen(known), known_ports: seenNames(ports).sort(), baseline: normal() },
          mitigations: ['D1590'],
        });
      }
      continue;
    }
    reported.add(key);
    if (!egress.host && egress.resolved === false) {
      out.push({
        ruleId: 'access.egress.unresolved_ip',
        ruleName: 'Raw IP reached without DNS',
        category: 'access',
        severity: badPort ? 'critical' : 'high',
        score: badPort ? 0.95 : 0.85,
        subject: key,
        summary: `${egress.connected === false ? 'Tried to connect (refused or unreachable) to' : 'Connected to'} ${where} by bare IP with no DNS lookup first, never seen in ${runs} runs; hard-coded addresses are typical of implants and exfiltration: find the step that made it and treat the job's secrets as exposed.`,
        evidence: { observed: { ...egress }, baseline: normal() },
        mitigations: ['D1590'],
      });
      continue;
    }
    // A new mirror of a site the pipeline already uses (cdn2.example.org next to cdn.example.org) is a note.
    const sameSite = egress.host !== undefined && seenNames(seen).some((known) => siteOf(known) === siteOf(egress.host!));
    // A public registry or toolchain download host, with little or nothing sent to it, cannot carry data out.
    const distribution = egress.host !== undefined && DISTRIBUTION_HOSTS.has(egress.host.toLowerCase()) && sentTo(context, key) < DISTRIBUTION_UPLOAD_LIMIT;
    const note = sameSite || distribution;
    const severity: Severity = badPort ? 'high' : note ? 'low' : 'medium';
    out.push({
      ruleId: 'access.egress.new_host',
      ruleName: 'New egress destination',
      category: 'access',
      severity,
      score: badPort ? 0.85 : note ? 0.35 : 0.6,
      subject: key,
      summary: `${egress.connected === false ? 'Tried to connect (refused or unreachable) to' : 'Connected to'} ${where}, which this pipeline has not contacted in ${runs} runs${badPort ? ' (a port used by mining pools and reverse shells)' : ''}; check which step opened it and whether it could carry secrets out.`,
      evidence: { observed: { ...egress }, same_site_as_known_host: sameSite, public_download_host: distribution, baseline: normal() },
      mitigations: ['D1590'],
    });
  }
  return out;
}

/** Bytes the run reported sending to one destination, over all its connections. */
function sentTo(context: RuleContext, key: string): number {
  let sent = 0;
  for (const egress of context.event.access?.egress ?? []) if (egressKey(egress) === key) sent += egress.bytes_out ?? 0;
  return sent;
}

/**
 * The registrable part of a host name, approximated without a public-suffix list:
 * the last two labels, or three when the second-level label is a short one like co.uk.
 */
export function siteOf(host: string): string {
  const labels = host.toLowerCase().split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const second = labels[labels.length - 2]!;
  const take = second.length <= 3 && labels[labels.length - 1]!.length === 2 ? 3 : 2;
  return labels.slice(-take).join('.');
}

function secretFindings(context: RuleContext): Candidate[] {
  const seen = context.baseline.seen.secrets;
  const fresh = [...new Set(context.event.access?.secrets ?? [])].filter((name) => !seenEntry(seen, name));
  return fresh.map((name) => ({
    ruleId: 'access.secret.new',
    ruleName: 'Secret used for the first time',
    category: 'access' as const,
    severity: 'medium' as const,
    score: 0.55,
    subject: name,
    summary: `The job read secret ${name}, which none of its ${context.baseline.runs} earlier runs used; confirm the workflow change that added it was reviewed.`,
    evidence: { observed: name, baseline: { runs: context.baseline.runs, usual_secrets: topSeen(seen, 20) } },
    mitigations: ['D1590', 'M1662'],
  }));
}

function processFindings(context: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  const seen = context.baseline.seen.processes;
  const reported = new Set<string>();
  for (const process of context.event.access?.processes ?? []) {
    if (reported.has(process.exe)) continue;
    const known = seenEntry(seen, process.exe);
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
        evidence: { observed: { ...process }, baseline: { runs: context.baseline.runs, known_executables: seenCount(seen) } },
        mitigations: ['D1590'],
      });
      continue;
    }
    const hashes = knownProcessHashes(context.baseline, process.exe);
    if (process.sha256 && hashes.length > 0 && !hashes.includes(digestFingerprint(process.sha256))) {
      reported.add(process.exe);
      out.push({
        ruleId: 'access.process.new_hash',
        ruleName: 'Known executable with a new hash',
        category: 'access',
        // Toolchain and image upgrades change hashes all the time; alone this is a note.
        severity: 'low',
        score: 0.45,
        subject: process.exe,
        summary: `${process.exe} ran with sha256 ${process.sha256.slice(0, 12)}…, which differs from every build of it seen in ${known[2]} runs; confirm it was updated on purpose (toolchain or image upgrade), not replaced.`,
        evidence: { observed: { ...process }, ...describeSeen(known), known_hash_prefixes: hashes },
        mitigations: ['D1590', 'M1591'],
      });
    }
  }
  return out;
}
