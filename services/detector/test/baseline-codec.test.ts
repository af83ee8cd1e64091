import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BaselineDecodeError,
  DEFAULT_SETTINGS,
  SEEN_NAMES_KEPT,
  SEEN_SET_NAMES,
  decodeBaseline,
  detectRun,
  emptyBaseline,
  encodeBaseline,
  keyHash,
  shortHash,
  topSeen,
  type PipelineBaseline,
  type SeenEntry,
  type SeenSet,
} from '../src/index.js';
import { makeRun } from './make-run.js';

const DAY = 86_400;
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
/** Any UTF-16 code units, lone surrogates included (valid in JSON input as `\\ud800`). */
const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 30 }).map((codes) => String.fromCharCode(...codes));
const hash = text.map(keyHash);
const short = text.map(shortHash);
const fingerprint = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const day = fc.integer({ min: 0, max: 0xffff }).map((days) => days * DAY);
const isoTime = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
const number = fc.oneof(fc.double(), fc.integer(), fc.integer({ min: 0, max: 999_999 }).map((n) => n / 10), fc.constantFrom(0, -0, 1e300, 5e-324));
const runId = fc.oneof(text, fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }).map(String), fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes).toString('hex')));
const seriesKey = fc.oneof(fc.constantFrom('resources.duration_s', 'resources.net_tx_bytes', 'resources.process_count'), text.map((name) => `metrics.${name}`));

/** A seen-set whose entries all fit the names it keeps, so it round-trips exactly. */
function seenSet(namesKept: number): fc.Arbitrary<SeenSet> {
  const entry = fc.tuple(day, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 1e6 }), text).map(([first, span, runs, name]): [string, SeenEntry] => {
    const last = Math.min(0xffff * DAY, first + span * DAY);
    return [keyHash(name), namesKept > 0 ? [first, last, runs, name] : [first, last, runs]];
  });
  return fc.uniqueArray(entry, { selector: ([key]) => key, maxLength: Math.min(namesKept, 12) === 0 ? 12 : Math.min(namesKept, 12) }).map((entries) => Object.fromEntries(entries));
}

const baselineArbitrary: fc.Arbitrary<PipelineBaseline> = fc
  .record({
    id: fc.oneof(text, codeUnits),
    repository: fc.option(text, { nil: null }),
    /** Usually the repository is part of the pipeline id: the codec stores it as a reference then. */
    repositoryInId: fc.option(fc.tuple(fc.nat(40), fc.nat(40)), { nil: null }),
    runs: fc.nat(),
    first: fc.option(fc.oneof(isoTime, text), { nil: null }),
    last: fc.option(isoTime, { nil: null }),
    numeric: fc.dictionary(seriesKey, fc.array(number, { maxLength: 30 }), { maxKeys: 6, noNullPrototype: true }),
    peaks: fc.dictionary(seriesKey, number, { maxKeys: 6, noNullPrototype: true }),
    /** Upper-mode levels: absent on most baselines, so both forms are generated. */
    tails: fc.option(fc.dictionary(seriesKey, number, { minKeys: 1, maxKeys: 6, noNullPrototype: true }), { nil: undefined }),
    seen: fc.record(Object.fromEntries(SEEN_SET_NAMES.map((name) => [name, seenSet(SEEN_NAMES_KEPT[name])])) as Record<(typeof SEEN_SET_NAMES)[number], fc.Arbitrary<SeenSet>>, { noNullPrototype: true }),
    processHashes: fc.dictionary(short, fc.array(fingerprint, { maxLength: 4 }), { maxKeys: 5, noNullPrototype: true }),
    permissions: fc.dictionary(fc.oneof(text, codeUnits), fc.constantFrom('read', 'write', 'admin'), { maxKeys: 4, noNullPrototype: true }),
    dependencies: fc.dictionary(short, fingerprint, { maxKeys: 8, noNullPrototype: true }),
    artifacts: fc.dictionary(short, fc.record({ digest: fingerprint, signed: fc.constantFrom(true, false, null), run: runId, name: short }, { noNullPrototype: true }), { maxKeys: 5, noNullPrototype: true }),
    actions: fc.dictionary(short, runId, { maxKeys: 5, noNullPrototype: true }),
    recent: fc.array(short, { maxLength: 32 }),
    alerted: fc.array(hash, { maxLength: 10 }),
    lastGood: fc.option(fc.record({ run_id: runId, occurred_at: isoTime, values: fc.dictionary(seriesKey, number, { maxKeys: 5, noNullPrototype: true }) }, { noNullPrototype: true }), { nil: null }),
  })
  .map((parts) => {
    const inId = parts.repositoryInId ? `github:${parts.id}` : undefined;
    const baseline = inId ? emptyBaseline(inId, inId.slice(parts.repositoryInId![0], parts.repositoryInId![0] + parts.repositoryInId![1])) : emptyBaseline(parts.id, parts.repository);
    Object.assign(baseline, {
      runs: parts.runs,
      first_run_at: parts.first,
      last_run_at: parts.last,
      numeric: parts.numeric,
      peaks: parts.peaks,
      ...(parts.tails ? { tails: parts.tails } : {}),
      seen: parts.seen,
      process_hashes: parts.processHashes,
      permissions: parts.permissions,
      dependencies: parts.dependencies,
      artifacts: parts.artifacts,
      actions: parts.actions,
      recent_events: parts.recent,
      alerted: parts.alerted,
      last_good: parts.lastGood,
    });
    return baseline;
  });

describe('baseline codec', () => {
  it('gives back exactly what it encoded (any strings, any doubles, day-resolution seen-sets)', () => {
    fc.assert(
      fc.property(baselineArbitrary, (baseline) => {
        assert.deepStrictEqual(decodeBaseline(encodeBaseline(baseline)), baseline);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the readable values of the most-seen entries, so topSeen evidence is unchanged', () => {
    const set: SeenSet = {};
    for (let i = 0; i < 40; i++) set[keyHash(`/tmp/place-${i}`)] = [DAY * 100, DAY * (100 + i), 1 + ((i * 7) % 13), `/tmp/place-${i}`];
    const baseline = emptyBaseline('p1');
    baseline.seen.files = set;
    baseline.seen.processes = structuredClone(set);
    const decoded = decodeBaseline(encodeBaseline(baseline));
    const kept = SEEN_NAMES_KEPT.files;
    assert.deepEqual(topSeen(decoded.seen.files, kept), topSeen(set, kept));
    assert.equal(Object.values(decoded.seen.files).filter((entry) => entry[3] !== undefined).length, kept);
    assert.equal(Object.values(decoded.seen.processes).filter((entry) => entry[3] !== undefined).length, SEEN_NAMES_KEPT.processes);
    // Every entry is still recognised, with its dates and counts.
    for (const [key, entry] of Object.entries(set)) assert.deepEqual(decoded.seen.files[key]!.slice(0, 3), entry.slice(0, 3));
  });

  it('judges a run the same from a decoded baseline as from the one it was encoded from', () => {
    let plain: PipelineBaseline | undefined;
    let stored: Uint8Array | undefined;
    let judged = 0;
    for (let i = 0; i < 40; i++) {
      const event =
        i === 35
          ? makeRun(i, { resources: { duration_s: 2000 }, access: { egress: [{ host: 'evil.example.net', port: 4444 }], secrets: ['AWS_KEY'], processes: [{ exe: '/tmp/x', sha256: 'bb'.repeat(32) }] } })
          : makeRun(i);
      const viaPlain = detectRun(plain, event, DEFAULT_SETTINGS, event.occurred_at);
      const viaStored = detectRun(stored ? decodeBaseline(stored) : undefined, event, DEFAULT_SETTINGS, event.occurred_at);
      assert.deepEqual(viaStored.findings, viaPlain.findings, `run ${i}`);
      judged += viaPlain.findings.length;
      plain = viaPlain.baseline;
      stored = encodeBaseline(viaStored.baseline);
    }
    assert.ok(judged >= 4, `the odd run raised findings to compare (${judged})`);
  });

  it('rejects every truncation of a valid record with a BaselineDecodeError', () => {
    const baseline = fc.sample(baselineArbitrary, { numRuns: 1, seed: 7 })[0]!;
    baseline.numeric['resources.duration_s'] = [1, 2.5, 3];
    baseline.last_good = { run_id: 'r1', occurred_at: '2026-01-01T00:00:00.000Z', values: { 'resources.duration_s': 3 } };
    const bytes = encodeBaseline(baseline);
    for (let length = 0; length < bytes.length; length++) {
      assert.throws(() => decodeBaseline(bytes.subarray(0, length)), BaselineDecodeError, `cut at ${length} of ${bytes.length}`);
    }
  });

  it('names what is wrong with garbage, another format version and trailing bytes', () => {
    const good = encodeBaseline(emptyBaseline('p1'));
    assert.throws(() => decodeBaseline(Buffer.from('{"version":3}')), /bad magic/);
    const otherVersion = Uint8Array.from(good);
    otherVersion[2] = 3;
    assert.throws(() => decodeBaseline(otherVersion), /format version 3/);
    assert.throws(() => decodeBaseline(Uint8Array.from([...good, 0])), /1 unexpected trailing bytes/);
  });

  it('throws only BaselineDecodeError for random bytes after a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const bytes = Uint8Array.from([0x50, 0x57, 4, ...tail]);
        try {
          decodeBaseline(bytes);
        } catch (error) {
          assert.ok(error instanceof BaselineDecodeError, String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
