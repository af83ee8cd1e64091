import fc from 'fast-check';

/**
 * Characters that fool people, terminals and parsers: bidi overrides and isolates
 * (Trojan Source), zero-width joiners, BOM, NUL, lone surrogates, Unicode line
 * separators, ANSI escapes, combining marks, case-folding surprises.
 */
export const TRICK_CHARS = [
  '\u202E', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF',
  '\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u2028', '\u2029', '\u0085', '\r', '\n', '\t', '\u001B[31m',
  'İ', 'ﬀ', 'e\u0301', '🙂', '\\', '"', "'", '<script>', '${jndi:ldap://x}', '%00', '../', '\u00A0', 'Ω',
];

/** The keys prototype pollution goes through, and other Object.prototype members. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
export const OBJECT_MEMBER_KEYS = ['toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', '__lookupGetter__'] as const;

/** Canary property a pollution payload tries to plant on Object.prototype. */
export const POLLUTION_CANARY = 'pwPolluted';

/** Numbers as text: out of range, negative zero, not JSON at all, beyond 2^53. */
export const RAW_NUMBERS = [
  '1e309', '-1e309', '1E400', '-0', '-0.0', '0', 'NaN', 'Infinity', '-Infinity', '123456789012345678901234567890',
  '9007199254740993', '-9007199254740993', '1e-400', '0x10', '01', '1.', '.5', '+1', '1e1000000', '4.9e-324', '1.7976931348623157e308',
] as const;

export const trickString: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...TRICK_CHARS), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 10 })
  .map((parts) => parts.join(''));

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, ...OBJECT_MEMBER_KEYS, ''), weight: 3 },
  { arbitrary: trickString, weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
);

/** What a pollution attempt puts under a prototype key. */
export function pollutionPayload(key: string): string {
  return key === 'constructor' ? `{"prototype":{"${POLLUTION_CANARY}":true}}` : `{"${POLLUTION_CANARY}":true}`;
}
