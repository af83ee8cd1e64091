import { RESOURCE_FIELDS } from '@pipewatch/shared';
import {
  BASELINE_VERSION,
  SEEN_NAMES_KEPT,
  SEEN_SET_NAMES,
  emptyBaseline,
  type ArtifactRecord,
  type PipelineBaseline,
  type SeenEntry,
  type SeenSet,
} from './baseline.js';
import { HASH_BYTES, SHORT_HASH_BYTES } from './fingerprint.js';
import { setOwnEntry } from './own-entry.js';

/**
 * The stored form of a baseline, used by every store: a few KiB of binary instead of
 * ~12 KB of JSON. Layout, after the header `P W <version>`: identity and run
 * counters; numeric windows, peaks and upper-mode levels (each number as a decimal mantissa and
 * exponent in one varint, exact for the six significant digits learning keeps);
 * the seven seen-sets (8-byte key hash, first and last day as uint16, runs, and the
 * readable value only for the entries `SEEN_NAMES_KEPT` asks for); executable
 * hashes, permissions, dependencies, artifacts, actions, recent events, alerted
 * changes (hashes and fingerprints as raw bytes); the last good run.
 * Pure and synchronous; decode checks every bound and rejects garbage with a
 * `BaselineDecodeError` naming the byte where it went wrong.
 */

/** In a `u` regex a surrogate code unit only matches when it is not half of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const MAGIC_0 = 0x50; // 'P'
const MAGIC_1 = 0x57; // 'W'
const DAY_SECONDS = 86_400;
const MAX_DAY = 0xffff;

/** Bytes that are not a baseline of a known format (truncated, corrupted, not ours). */
export class BaselineDecodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`baseline record unreadable at byte ${offset}: ${message}`);
    this.name = 'BaselineDecodeError';
  }
}

/** Thrown for a baseline the codec cannot represent (a malformed hash or fingerprint): a bug, not bad input. */
export class BaselineEncodeError extends Error {
  constructor(message: string) {
    super(`baseline cannot be encoded: ${message}`);
    this.name = 'BaselineEncodeError';
  }
}

/** The format version of stored bytes, or undefined when they do not start like a baseline. */
export function storedBaselineVersion(bytes: Uint8Array): number | undefined {
  return bytes.length >= 3 && bytes[0] === MAGIC_0 && bytes[1] === MAGIC_1 ? bytes[2] : undefined;
}

export function encodeBaseline(baseline: PipelineBaseline): Uint8Array {
  const w = new Writer();
  w.u8(MAGIC_0);
  w.u8(MAGIC_1);
  w.u8(BASELINE_VERSION);
  w.string(baseline.pipeline_id);
  w.repository(baseline.repository, baseline.pipeline_id);
  w.varint(baseline.runs);
  w.time(baseline.first_run_at);
  w.time(baseline.last_run_at);

  const numeric = Object.entries(baseline.numeric);
  w.varint(numeric.length);
  for (const [key, values] of numeric) {
    w.seriesKey(key);
    w.series(values);
  }
  writeNumberRecord(w, baseline.peaks);
  writeNumberRecord(w, baseline.tails ?? {});

  for (const name of SEEN_SET_NAMES) writeSeenSet(w, baseline.seen[name], SEEN_NAMES_KEPT[name]);

  // Keys and lookups rather than Object.entries: no [key, value] pair per entry of these
  // hash-keyed records (hundreds per baseline, encoded on every judged run).
  const exes = baseline.process_hashes;
  const exeKeys = Object.keys(exes);
  w.varint(exeKeys.length);
  for (const exe of exeKeys) {
    const hashes = exes[exe]!;
    w.shortHash(exe);
    w.varint(hashes.length);
    for (const hash of hashes) w.fingerprint(hash);
  }
  const permissions = Object.entries(baseline.permissions);
  w.varint(permissions.length);
  for (const [scope, level] of permissions) {
    w.string(scope);
    w.string(level);
  }
  const dependencies = baseline.dependencies;
  const dependencyKeys = Object.keys(dependencies);
  w.varint(dependencyKeys.length);
  for (const key of dependencyKeys) {
    w.shortHash(key);
    w.fingerprint(dependencies[key]!);
  }
  const artifacts = baseline.artifacts;
  const artifactKeys = Object.keys(artifacts);
  w.varint(artifactKeys.length);
  for (const key of artifactKeys) {
    const record = artifacts[key]!;
    w.shortHash(key);
    w.shortHash(record.name);
    w.fingerprint(record.digest);
    w.u8(record.signed === null ? 0 : record.signed ? 2 : 1);
    w.compactString(record.run);
  }
  const actions = baseline.actions;
  const actionKeys = Object.keys(actions);
  w.varint(actionKeys.length);
  for (const key of actionKeys) {
    w.shortHash(key);
    w.compactString(actions[key]!);
  }
  w.varint(baseline.recent_events.length);
  for (const hash of baseline.recent_events) w.shortHash(hash);
  w.varint(baseline.alerted.length);
  for (const hash of baseline.alerted) w.keyHash(hash);

  const lastGood = baseline.last_good;
  w.u8(lastGood ? 1 : 0);
  if (lastGood) {
    w.compactString(lastGood.run_id);
    w.time(lastGood.occurred_at);
    writeNumberRecord(w, lastGood.values);
  }
  return w.finish();
}

/**
 * Decodes stored bytes. Throws `BaselineDecodeError` for anything that is not a
 * complete baseline of the current format; stores treat another format version as
 * "not there" (the pipeline re-learns), see `storedBaselineVersion`.
 */
export function decodeBaseline(bytes: Uint8Array): PipelineBaseline {
  const r = new Reader(bytes);
  if (r.u8() !== MAGIC_0 || r.u8() !== MAGIC_1) throw new BaselineDecodeError('not a pipewatch baseline (bad magic)', 0);
  const version = r.u8();
  if (version !== BASELINE_VERSION) throw new BaselineDecodeError(`format version ${version}, expected ${BASELINE_VERSION}`, 2);
  const pipelineId = r.string();
  const baseline = emptyBaseline(pipelineId);
  baseline.repository = r.repository(pipelineId);
  baseline.runs = r.varint();
  baseline.first_run_at = r.time();
  baseline.last_run_at = r.time();

  for (let series = r.count(); series > 0; series--) {
    const key = r.seriesKey();
    setOwnEntry(baseline.numeric, key, r.series());
  }
  baseline.peaks = readNumberRecord(r);
  const tails = readNumberRecord(r);
  if (Object.keys(tails).length > 0) baseline.tails = tails;

  for (const name of SEEN_SET_NAMES) readSeenSet(r, baseline.seen[name]);

  for (let exes = r.count(); exes > 0; exes--) {
    const exe = r.shortHash();
    const hashes: string[] = new Array(r.count());
    for (let i = 0; i < hashes.length; i++) hashes[i] = r.fingerprint();
    baseline.process_hashes[exe] = hashes;
  }
  for (let permissions = r.count(); permissions > 0; permissions--) setOwnEntry(baseline.permissions, r.string(), r.string());
  for (let dependencies = r.count(); dependencies > 0; dependencies--) baseline.dependencies[r.shortHash()] = r.fingerprint();
  for (let artifacts = r.count(); artifacts > 0; artifacts--) {
    const key = r.shortHash();
    const name = r.shortHash();
    const digest = r.fingerprint();
    const at = r.offset;
    const flag = r.u8();
    if (flag > 2) throw new BaselineDecodeError(`artifact signing state ${flag}`, at);
    const record: ArtifactRecord = { digest, signed: flag === 0 ? null : flag === 2, run: r.compactString(), name };
    baseline.artifacts[key] = record;
  }
  for (let actions = r.count(); actions > 0; actions--) baseline.actions[r.shortHash()] = r.compactString();
  for (let events = r.count(); events > 0; events--) baseline.recent_events.push(r.shortHash());
  for (let alerted = r.count(); alerted > 0; alerted--) baseline.alerted.push(r.keyHash());

  const at = r.offset;
  const hasLastGood = r.u8();
  if (hasLastGood > 1) throw new BaselineDecodeError(`last-good flag ${hasLastGood}`, at);
  if (hasLastGood === 1) {
    const runId = r.compactString();
    const occurredAt = r.time();
    if (occurredAt === null) throw new BaselineDecodeError('last good run without a time', r.offset);
    baseline.last_good = { run_id: runId, occurred_at: occurredAt, values: readNumberRecord(r) };
  }
  if (r.offset !== bytes.length) throw new BaselineDecodeError(`${bytes.length - r.offset} unexpected trailing bytes`, r.offset);
  return baseline;
}

function writeNumberRecord(w: Writer, record: Record<string, number>): void {
  const entries = Object.entries(record);
  w.varint(entries.length);
  for (const [key, value] of entries) {
    w.seriesKey(key);
    w.number(value);
  }
}

function readNumberRecord(r: Reader): Record<string, number> {
  const out: Record<string, number> = {};
  for (let n = r.count(); n > 0; n--) setOwnEntry(out, r.seriesKey(), r.number());
  return out;
}

function writeSeenSet(w: Writer, set: SeenSet, namesKept: number): void {
  const keys = Object.keys(set);
  const named = namesToKeep(set, keys, namesKept);
  w.varint(keys.length);
  for (const key of keys) {
    const [first, last, runs, name] = set[key]!;
    const keep = name !== undefined && (named === ALL || named.has(key));
    w.keyHash(key);
    const firstDay = dayOf(first);
    w.u16(firstDay);
    w.varint(Math.max(0, dayOf(last) - firstDay));
    w.varint(runs * 2 + (keep ? 1 : 0));
    if (keep) w.string(name);
  }
}

/** The entries whose readable value is stored: the most-seen named ones, in `topSeen`'s order. */
function namesToKeep(set: SeenSet, keys: readonly string[], limit: number): ReadonlySet<string> {
  if (limit === 0) return NONE;
  if (limit >= keys.length) return ALL;
  const named = keys.filter((key) => set[key]![3] !== undefined);
  if (named.length <= limit) return ALL;
  named.sort((a, b) => set[b]![2] - set[a]![2] || (set[a]![3]! < set[b]![3]! ? -1 : 1));
  return new Set(named.slice(0, limit));
}

const NONE: ReadonlySet<string> = new Set();
/** Every name: compared by identity, never looked into. */
const ALL: ReadonlySet<string> = new Set();

/** Into the empty set of a fresh baseline (made to take many keys, see `dictionaryRecord`). */
function readSeenSet(r: Reader, set: SeenSet): void {
  for (let n = r.count(); n > 0; n--) {
    const key = r.keyHash();
    const firstDay = r.u16();
    const first = firstDay * DAY_SECONDS;
    const last = Math.min(MAX_DAY, firstDay + r.varint()) * DAY_SECONDS;
    const packed = r.varint();
    const runs = Math.floor(packed / 2);
    const entry: SeenEntry = packed % 2 === 1 ? [first, last, runs, r.string()] : [first, last, runs];
    set[key] = entry;
  }
}

function dayOf(seconds: number): number {
  return Math.min(MAX_DAY, Math.max(0, Math.floor(seconds / DAY_SECONDS)));
}

// Numbers: a varint of zigzag(mantissa) * 32 + (exponent + 15), value = mantissa × 10^exponent;
// code 31 marks a float64 that follows (values with no short decimal form).
const EXPONENT_BIAS = 15;
const FLOAT64_CODE = 31;
const MAX_MANTISSA = 2 ** 46;
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

function fromDecimal(mantissa: number, exponent: number): number {
  return exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
}

/** Set by `toDecimal` (no tuple per number: encoding runs on every judged run). */
let decimalMantissa = 0;
let decimalExponent = 0;

/** Finds a mantissa and exponent that give back exactly `value` (in `decimalMantissa`, `decimalExponent`); false if none. */
function toDecimal(value: number): boolean {
  if (!Number.isFinite(value) || Object.is(value, -0)) return false;
  let mantissa: number;
  let exponent = 0;
  if (Number.isInteger(value)) {
    mantissa = value;
    while (mantissa !== 0 && mantissa % 10 === 0 && exponent < EXPONENT_BIAS) {
      mantissa /= 10;
      exponent++;
    }
  } else {
    exponent = -1;
    mantissa = Math.round(value * 10);
    while (fromDecimal(mantissa, exponent) !== value && exponent > -EXPONENT_BIAS) {
      exponent--;
      mantissa = Math.round(value * POW10[-exponent]!);
    }
  }
  if (Math.abs(mantissa) > MAX_MANTISSA || fromDecimal(mantissa, exponent) !== value) return false;
  decimalMantissa = mantissa;
  decimalExponent = exponent;
  return true;
}

// Hashes and fingerprints are converted by table, not through Buffer.write/toString:
// they are most of a baseline's fields and the codec runs twice per judged run.
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64URL.length; i++) BASE64URL_VALUE[BASE64URL.charCodeAt(i)] = i;
const BASE64URL_CODE = Uint8Array.from(BASE64URL, (char) => char.charCodeAt(0));
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * One exponent for the whole window, when every value is non-negative with a short
 * decimal form and that takes fewer bytes than per-value exponents.
 */
function sharedExponent(values: readonly number[]): { exponent: number; mantissas: Float64Array } | undefined {
  if (values.length === 0) return undefined;
  if (mantissaScratch.length < values.length) {
    mantissaScratch = new Float64Array(values.length);
    exponentScratch = new Int8Array(values.length);
  }
  let exponent = EXPONENT_BIAS;
  let perValueBytes = 0;
  for (let i = 0; i < values.length; i++) {
    if (!toDecimal(values[i]!) || decimalMantissa < 0) return undefined;
    mantissaScratch[i] = decimalMantissa;
    exponentScratch[i] = decimalExponent;
    if (decimalExponent < exponent) exponent = decimalExponent;
    perValueBytes += varintBytes(decimalMantissa * 2 * 32);
  }
  let sharedBytes = 1;
  for (let i = 0; i < values.length; i++) {
    const scaled = mantissaScratch[i]! * POW10[exponentScratch[i]! - exponent]!;
    if (!Number.isSafeInteger(scaled) || scaled > MAX_MANTISSA || fromDecimal(scaled, exponent) !== values[i]) return undefined;
    mantissaScratch[i] = scaled;
    sharedBytes += varintBytes(scaled);
  }
  return sharedBytes < perValueBytes ? { exponent, mantissas: mantissaScratch.subarray(0, values.length) } : undefined;
}

let mantissaScratch = new Float64Array(64);
let exponentScratch = new Int8Array(64);

function varintBytes(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    bytes++;
  }
  return bytes;
}

const RESOURCE_KEYS = RESOURCE_FIELDS.map((field) => `resources.${field}`);
const RESOURCE_CODE = new Map(RESOURCE_KEYS.map((key, code) => [key, code]));
const OTHER_SERIES = 0xff;

/** Grows as needed; one scratch buffer reused by every encode (encoding is synchronous). */
let scratch = Buffer.allocUnsafe(16 * 1024);

/** Node's Buffer has these slice methods (what `toString` calls after checking its arguments); typed here. */
declare module 'node:buffer' {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    hexSlice(start: number, end: number): string;
  }
}

class Writer {
  private buf = scratch;
  private pos = 0;

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = scratch = bigger;
  }

  u8(value: number): void {
    this.room(1);
    this.buf[this.pos++] = value;
  }

  u16(value: number): void {
    this.room(2);
    this.buf.writeUInt16LE(value, this.pos);
    this.pos += 2;
  }

  /** Unsigned integers up to 2^53, seven bits a byte. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new BaselineEncodeError(`${value} is not a count`);
    this.room(8);
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
  }

  /**
   * A numeric window: per-value exponents, or (when smaller) one shared exponent
   * and unsigned mantissas, which suits series with a fixed number of decimals.
   */
  series(values: readonly number[]): void {
    this.varint(values.length);
    const shared = sharedExponent(values);
    if (!shared) {
      this.u8(0);
      for (const value of values) this.number(value);
      return;
    }
    this.u8(1);
    this.u8(shared.exponent + EXPONENT_BIAS);
    for (const mantissa of shared.mantissas) this.varint(mantissa);
  }

  number(value: number): void {
    if (!toDecimal(value)) {
      this.varint(FLOAT64_CODE);
      this.room(8);
      this.buf.writeDoubleLE(value, this.pos);
      this.pos += 8;
      return;
    }
    const mantissa = decimalMantissa;
    const exponent = decimalExponent;
    const zigzag = mantissa >= 0 ? mantissa * 2 : -mantissa * 2 - 1;
    this.varint(zigzag * 32 + exponent + EXPONENT_BIAS);
  }

  /**
   * A varint of byte length × 2 + form, then the bytes: form 0 is UTF-8; form 1 is
   * UTF-16 code units, for the rare string with a lone surrogate, which UTF-8
   * cannot carry (a pipeline id must come back exactly, it is the store's key).
   */
  string(value: string): void {
    if (value.length < 0x40 && this.ascii(value)) return;
    const wellFormed = !LONE_SURROGATE.test(value);
    const length = wellFormed ? Buffer.byteLength(value) : value.length * 2;
    this.varint(length * 2 + (wellFormed ? 0 : 1));
    this.room(length);
    this.pos += this.buf.write(value, this.pos, wellFormed ? 'utf8' : 'utf16le');
  }

  /** Short ASCII strings (nearly all of them) byte by byte; false, writing nothing, for any other. */
  private ascii(value: string): boolean {
    this.room(value.length + 1);
    const start = this.pos;
    this.buf[this.pos++] = value.length * 2;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        this.pos = start;
        return false;
      }
      this.buf[this.pos++] = code;
    }
    return true;
  }

  /** Pipeline ids name their repository (`github:owner/repo:…`): then it is stored as a reference into the id. */
  repository(value: string | null, pipelineId: string): void {
    if (value === null) return this.u8(0);
    const at = value.length >= 4 ? pipelineId.indexOf(value) : -1;
    if (at < 0) {
      this.u8(1);
      return this.string(value);
    }
    this.u8(2);
    this.varint(at);
    this.varint(value.length);
  }

  /** Run ids and commit ids are mostly decimal numbers or hex: stored as such. */
  compactString(value: string): void {
    if (/^[1-9]\d{0,14}$/.test(value)) {
      this.u8(2);
      this.varint(Number(value));
    } else if (value.length % 2 === 0 && value.length <= 510 && /^[0-9a-f]+$/.test(value)) {
      this.u8(1);
      this.u8(value.length / 2);
      this.room(value.length / 2);
      this.pos += this.buf.write(value, this.pos, 'hex');
    } else {
      this.u8(0);
      this.string(value);
    }
  }

  /** RFC 3339 times as epoch milliseconds when `toISOString` gives them back exactly. */
  time(value: string | null): void {
    if (value === null) return this.u8(0);
    const ms = Date.parse(value);
    if (Number.isSafeInteger(ms) && ms >= 0 && new Date(ms).toISOString() === value) {
      this.u8(1);
      this.varint(ms);
    } else {
      this.u8(2);
      this.string(value);
    }
  }

  seriesKey(key: string): void {
    const code = RESOURCE_CODE.get(key);
    if (code !== undefined) return this.u8(code);
    this.u8(OTHER_SERIES);
    this.string(key);
  }

  keyHash(hash: string): void {
    if (hash.length !== 11) throw new BaselineEncodeError(`${JSON.stringify(hash.slice(0, 40))} is not a key hash`);
    this.room(HASH_BYTES);
    // 11 characters of 6 bits: 64 bits and 2 spare (zero) bits.
    let bits = 0;
    let held = 0;
    for (let i = 0; i < 11; i++) {
      const code = hash.charCodeAt(i);
      const sextet = code < 128 ? BASE64URL_VALUE[code]! : -1;
      if (sextet < 0) throw new BaselineEncodeError(`${JSON.stringify(hash)} is not a key hash`);
      bits = (bits << 6) | sextet;
      held += 6;
      if (held >= 8) {
        held -= 8;
        this.buf[this.pos++] = (bits >> held) & 0xff;
        bits &= (1 << held) - 1;
      }
    }
  }

  /** 8 base64url characters, exactly 6 bytes. */
  shortHash(hash: string): void {
    if (hash.length !== 8) throw new BaselineEncodeError(`${JSON.stringify(hash.slice(0, 40))} is not a short hash`);
    this.room(SHORT_HASH_BYTES);
    for (let i = 0; i < 8; i += 4) {
      let group = 0;
      for (let j = i; j < i + 4; j++) {
        const code = hash.charCodeAt(j);
        const sextet = code < 128 ? BASE64URL_VALUE[code]! : -1;
        if (sextet < 0) throw new BaselineEncodeError(`${JSON.stringify(hash)} is not a short hash`);
        group = (group << 6) | sextet;
      }
      this.buf[this.pos++] = group >> 16;
      this.buf[this.pos++] = (group >> 8) & 0xff;
      this.buf[this.pos++] = group & 0xff;
    }
  }

  fingerprint(hex: string): void {
    if (hex.length !== 16) throw new BaselineEncodeError(`${JSON.stringify(hex.slice(0, 40))} is not a digest fingerprint`);
    this.room(HASH_BYTES);
    for (let i = 0; i < 16; i += 2) {
      const high = hexValue(hex.charCodeAt(i));
      const low = hexValue(hex.charCodeAt(i + 1));
      if (high < 0 || low < 0) throw new BaselineEncodeError(`${JSON.stringify(hex)} is not a digest fingerprint`);
      this.buf[this.pos++] = (high << 4) | low;
    }
  }

  /** An exact-size copy: the scratch buffer is reused by the next encode. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }
}

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUE[code]! : -1;
}

class Reader {
  private readonly buf: Buffer;
  private readonly codes = new Uint8Array(11);
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.buf.length) throw new BaselineDecodeError(`truncated reading ${what}`, this.offset);
  }

  u8(): number {
    this.need(1, 'a byte');
    return this.buf[this.offset++]!;
  }

  u16(): number {
    this.need(2, 'a day');
    const value = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  varint(): number {
    const start = this.offset;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      this.need(1, 'a number');
      const byte = this.buf[this.offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
      scale *= 0x80;
    }
    throw new BaselineDecodeError('number out of range', start);
  }

  /** A count of items that follow: each takes at least one byte, so it cannot exceed what is left. */
  count(): number {
    const start = this.offset;
    const value = this.varint();
    if (value > this.buf.length - this.offset) throw new BaselineDecodeError(`count ${value} exceeds the bytes left`, start);
    return value;
  }

  series(): number[] {
    const values: number[] = new Array(this.count());
    const at = this.offset;
    const mode = this.u8();
    if (mode === 0) {
      for (let i = 0; i < values.length; i++) values[i] = this.number();
      return values;
    }
    if (mode !== 1) throw new BaselineDecodeError(`series mode ${mode}`, at);
    const exponent = this.u8() - EXPONENT_BIAS;
    if (exponent > EXPONENT_BIAS) throw new BaselineDecodeError(`series exponent ${exponent}`, at + 1);
    for (let i = 0; i < values.length; i++) values[i] = fromDecimal(this.varint(), exponent);
    return values;
  }

  number(): number {
    const packed = this.varint();
    const code = packed % 32;
    if (code === FLOAT64_CODE) {
      this.need(8, 'a float');
      const value = this.buf.readDoubleLE(this.offset);
      this.offset += 8;
      return value;
    }
    const zigzag = Math.floor(packed / 32);
    const mantissa = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    return fromDecimal(mantissa, code - EXPONENT_BIAS);
  }

  string(): string {
    const at = this.offset;
    const packed = this.varint();
    const length = Math.floor(packed / 2);
    if (length > this.buf.length - this.offset) throw new BaselineDecodeError(`string of ${length} bytes exceeds the bytes left`, at);
    const start = this.offset;
    this.offset += length;
    if (packed % 2 === 1) {
      if (length % 2 === 1) throw new BaselineDecodeError('odd UTF-16 length', at);
      return this.buf.toString('utf16le', start, start + length);
    }
    // ASCII (nearly every string) is latin1 too, and latin1 needs no decoding.
    for (let i = start; i < start + length; i++) if (this.buf[i]! >= 0x80) return this.buf.toString('utf8', start, start + length);
    return this.buf.latin1Slice(start, start + length);
  }

  repository(pipelineId: string): string | null {
    const at = this.offset;
    const tag = this.u8();
    if (tag === 0) return null;
    if (tag === 1) return this.string();
    if (tag !== 2) throw new BaselineDecodeError(`repository tag ${tag}`, at);
    const start = this.varint();
    const length = this.varint();
    if (start + length > pipelineId.length) throw new BaselineDecodeError('repository outside the pipeline id', at);
    return pipelineId.slice(start, start + length);
  }

  compactString(): string {
    const at = this.offset;
    const tag = this.u8();
    if (tag === 0) return this.string();
    if (tag === 2) return String(this.varint());
    if (tag !== 1) throw new BaselineDecodeError(`string tag ${tag}`, at);
    const length = this.u8();
    this.need(length, 'hex');
    const value = this.buf.toString('hex', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  time(): string | null {
    const at = this.offset;
    const tag = this.u8();
    if (tag === 0) return null;
    if (tag === 2) return this.string();
    if (tag !== 1) throw new BaselineDecodeError(`time tag ${tag}`, at);
    const ms = this.varint();
    if (ms > 8.64e15) throw new BaselineDecodeError('time out of range', at);
    return new Date(ms).toISOString();
  }

  seriesKey(): string {
    const at = this.offset;
    const code = this.u8();
    if (code === OTHER_SERIES) return this.string();
    const key = RESOURCE_KEYS[code];
    if (key === undefined) throw new BaselineDecodeError(`series code ${code}`, at);
    return key;
  }

  keyHash(): string {
    this.need(HASH_BYTES, 'a hash');
    const b = this.buf;
    const o = this.offset;
    this.offset += HASH_BYTES;
    // Two 32-bit halves, read 6 bits at a time: 10 full characters and a last one of 4 bits.
    const high = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    const low = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
    const codes = this.codes;
    for (let i = 0; i < 11; i++) {
      const shift = 58 - 6 * i;
      let sextet: number;
      if (shift >= 32) sextet = (high >>> (shift - 32)) & 0x3f;
      else if (shift >= 0) sextet = shift > 26 ? ((high << (32 - shift)) | (low >>> shift)) & 0x3f : (low >>> shift) & 0x3f;
      else sextet = (low << -shift) & 0x3f;
      codes[i] = BASE64URL_CODE[sextet]!;
    }
    // One flat string, not a chain of concatenations left for the collector.
    return String.fromCharCode(codes[0]!, codes[1]!, codes[2]!, codes[3]!, codes[4]!, codes[5]!, codes[6]!, codes[7]!, codes[8]!, codes[9]!, codes[10]!);
  }

  shortHash(): string {
    this.need(SHORT_HASH_BYTES, 'a short hash');
    const b = this.buf;
    const o = this.offset;
    this.offset += SHORT_HASH_BYTES;
    const first = (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
    const second = (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!;
    return String.fromCharCode(
      BASE64URL_CODE[first >> 18]!, BASE64URL_CODE[(first >> 12) & 0x3f]!, BASE64URL_CODE[(first >> 6) & 0x3f]!, BASE64URL_CODE[first & 0x3f]!,
      BASE64URL_CODE[second >> 18]!, BASE64URL_CODE[(second >> 12) & 0x3f]!, BASE64URL_CODE[(second >> 6) & 0x3f]!, BASE64URL_CODE[second & 0x3f]!,
    );
  }

  fingerprint(): string {
    this.need(HASH_BYTES, 'a fingerprint');
    const value = this.buf.hexSlice(this.offset, this.offset + HASH_BYTES);
    this.offset += HASH_BYTES;
    return value;
  }
}
