import { SECRET_ASSIGNMENT, SECRET_FLAG, SECRET_HINT, SECRET_PATTERNS } from './secret-patterns.js';

export const REDACTED = '[REDACTED]';

export interface Redaction {
  text: string;
  /** How many secrets were replaced, per kind. */
  counts: Record<string, number>;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const frequency = new Map<string, number>();
  for (const char of value) frequency.set(char, (frequency.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of frequency.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Shapes that are random enough by entropy but name a credential rather than hold
 * one. Seen in real CI logs: `server-password: GITHUB_TOKEN` (setup-java inputs),
 * `authCtx = host.testCreate(1);` (Java source echoed by a test).
 */
const VARIABLE_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const CODE_CALL = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\(.*\)$/;
const FILE_PATH = /^(?:~|\.{1,2})?\/[\w.@-]+(?:\/[\w.@-]+)*\/?$/;
const MIXED_CLASSES = /^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])/;

/** `--password-file=/run/secrets/db` names a file; a segment mixing all classes is a random value after a slash. */
function looksLikePath(value: string): boolean {
  return FILE_PATH.test(value) && !value.split('/').some((segment) => MIXED_CLASSES.test(segment));
}

/** A value random enough to be a credential rather than a word, a path or a flag. */
export function looksRandom(value: string): boolean {
  if (value.length < 8) return false;
  if (value.startsWith('$') || value.startsWith('${') || value === REDACTED) return false;
  if (VARIABLE_NAME.test(value) || CODE_CALL.test(value) || looksLikePath(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return shannonEntropy(value) >= 3 && classes >= 2;
}

/** Known values this short are only removed verbatim: their encodings would match by chance. */
const MIN_ENCODED_VALUE_LENGTH = 8;

/**
 * The forms a known secret takes when a script tries to slip it past exact-match
 * masking: base64 (standard and URL-safe, padding dropped) and percent-encoding.
 */
function knownValueForms(value: string): string[] {
  const forms = new Set([value]);
  if (value.length >= MIN_ENCODED_VALUE_LENGTH) {
    const bytes = Buffer.from(value, 'utf8');
    forms.add(bytes.toString('base64').replace(/=+$/, ''));
    forms.add(bytes.toString('base64url'));
    forms.add(encodeURIComponent(value));
  }
  return [...forms];
}

/** The forms of the last list of known values: callers pass the same list for every text. */
let memo: { values: readonly string[]; forms: string[] } | undefined;

/** Every form of every known value, longest first, so a secret that contains another is removed whole. */
function knownForms(knownValues: readonly string[]): string[] {
  if (knownValues.length === 0) return [];
  if (memo?.values !== knownValues) {
    const forms = knownValues.filter((value) => value.length >= 4).flatMap(knownValueForms).sort((a, b) => b.length - a.length);
    memo = { values: knownValues, forms };
  }
  return memo.forms;
}

/** False only when `redactText` would return the text unchanged: no rule can match and no known value is in it. */
export function mayContainSecret(text: string, knownValues: readonly string[] = []): boolean {
  return SECRET_HINT.test(text) || knownForms(knownValues).some((form) => text.includes(form));
}

/**
 * Replaces every credential-shaped substring with [REDACTED]. `knownValues` are
 * values of secrets the caller knows by name (e.g. from the CI's secret list);
 * they are removed wherever they appear, also base64- or percent-encoded.
 */
export function redactText(input: string, knownValues: readonly string[] = []): Redaction {
  const counts: Record<string, number> = {};
  const forms = knownForms(knownValues);
  // Most text holds nothing secret-shaped: one scan instead of one per rule.
  if (!SECRET_HINT.test(input) && !forms.some((form) => input.includes(form))) return { text: input, counts };
  const bump = (kind: string): void => {
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  let text = input;
  for (const value of forms) {
    const parts = text.split(value);
    if (parts.length > 1) {
      for (let i = 1; i < parts.length; i++) bump('known_value');
      text = parts.join(REDACTED);
    }
  }
  for (const { kind, pattern, group } of SECRET_PATTERNS) {
    text = text.replace(pattern, (match: string, ...groups: unknown[]) => {
      if (group === undefined) {
        bump(kind);
        return REDACTED;
      }
      // Grouped patterns capture the whole match in order: rebuild it with one group masked.
      const captures = groups.slice(0, groups.findIndex((arg) => typeof arg === 'number')) as (string | undefined)[];
      // Already masked by an earlier pattern (a token inside URL credentials): one secret, counted once.
      if (captures[group - 1] === REDACTED) return match;
      bump(kind);
      return captures.map((part, index) => (index + 1 === group ? REDACTED : (part ?? ''))).join('');
    });
  }
  for (const rule of [SECRET_ASSIGNMENT, SECRET_FLAG]) {
    text = text.replace(rule, (match: string, prefix: string, value: string) => {
      // A value an earlier pattern already masked (e.g. URL credentials) keeps its tail.
      if (value.startsWith(REDACTED) || !looksRandom(value)) return match;
      bump('assignment');
      return `${prefix}${REDACTED}`;
    });
  }
  return { text, counts };
}

export function redactionTotal(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
