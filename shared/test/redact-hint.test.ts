import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SECRET_ASSIGNMENT, SECRET_FLAG, SECRET_HINT, SECRET_PATTERNS, mayContainSecret, redactText } from '@pipewatch/shared';

/** Every rule redactText runs, as non-global copies (test() then keeps no state). */
const RULES = [...SECRET_PATTERNS.map(({ pattern }) => pattern), SECRET_ASSIGNMENT, SECRET_FLAG].map(
  (rule) => new RegExp(rule.source, rule.flags.replace('g', '')),
);

/** Pieces of secrets, separators and noise: strings glued from them hit every rule's edges. */
const FRAGMENTS = [
  'password', 'PassWord', 'passwd', 'pwd', 'token', 'TOKEN', 'secret', 'api_key', 'apikey', 'api-key', 'access_key', 'auth',
  'secret_access_key', 'SecretAccessKey', 'session_token', 'SessionToken', '=', ':', ': ', ' ', '"', "'", ',', ';', '--', '-', '.', '/', '@', '\n',
  'ghp_', 'gho_', 'github_pat_', 'glpat-', 'gldt-', 'AKIA', 'ASIA', 'xoxb-', 'xapp-', 'eyJ', 'npm_', 'Bearer ', 'Basic ', 'bearer ',
  'https://', 'git+ssh://', 'hooks.slack.com/services/', '-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----',
];
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const run = fc
  .tuple(fc.integer({ min: 1, max: 110 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }))
  .map(([length, seed]) => Array.from({ length }, (_, i) => ALNUM[(seed * (i + 7) + i * i * 31) % ALNUM.length]).join(''));
const piece = fc.oneof(fc.constantFrom(...FRAGMENTS), run, run, fc.string({ maxLength: 6 }));
const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));

describe('SECRET_HINT (the pre-check before the redaction rules)', () => {
  it('matches every text some redaction rule matches, on 30,000 generated texts', () => {
    let ruleHits = 0;
    fc.assert(
      fc.property(text, (sample) => {
        const hit = RULES.some((rule) => rule.test(sample));
        if (hit) ruleHits++;
        return !hit || SECRET_HINT.test(sample);
      }),
      { numRuns: 30_000, seed: 20261124 },
    );
    // The property is only worth something if the generated texts really reach the rules.
    assert.ok(ruleHits > 1_500, `only ${ruleHits} of 30,000 texts matched a rule`);
  });

  it('leaves ordinary CI text alone, so the rules are skipped for it', () => {
    for (const ordinary of [
      'Run actions/checkout@v4',
      'https://github.com/octo/app/actions/runs/123456789',
      'registry.npmjs.org/lodash/-/lodash-4.17.21.tgz',
      '/usr/bin/node',
      'id-token: write',
    ]) {
      assert.equal(SECRET_HINT.test(ordinary), false, ordinary);
      assert.equal(mayContainSecret(ordinary), false, ordinary);
    }
  });

  it('still finds known values, and their encodings, in text the hint passes', () => {
    const known = ['s3cr3t-v4lue-123'];
    const encoded = Buffer.from(known[0]!).toString('base64').replace(/=+$/, '');
    for (const sample of [`deploy with s3cr3t-v4lue-123 now`, `blob ${encoded} end`]) {
      assert.equal(SECRET_HINT.test(sample), false);
      assert.equal(mayContainSecret(sample, known), true);
      assert.notEqual(redactText(sample, known).text, sample);
    }
  });
});
