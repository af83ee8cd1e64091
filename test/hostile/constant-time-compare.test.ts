import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secretComparisons, sourceFiles } from './helpers/secret-comparisons.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const PRODUCT = ['shared/src', 'services/collector/src', 'services/alerter/src', 'services/cli/src', 'services/forwarder/src', 'services/detector/src', 'infra/src'];

/** Comparisons the scanner flags that are not about secrets, each with the reason. */
const NOT_SECRETS: { file: string; text: RegExp; why: string }[] = [
  { file: 'services/detector/src/domain/rules/integrity-rule.ts', text: /previous\.digest !== fingerprint/, why: 'artifact digests are public content hashes, not credentials' },
  { file: 'shared/src/joblog/github-parse.ts', text: /t === 'GITHUB_TOKEN Permissions'/, why: 'matches a job log group title, no credential' },
  { file: 'services/forwarder/src/artifacts/sigstore-bundle.ts', text: /\$case === 'messageSignature'/, why: 'a bundle\'s content kind, not a signature value' },
];

/**
 * Timing cannot be asserted reliably, so constant time is checked where it is
 * decided: in the source. Measured timings are printed by `npm run bench:fuzz`.
 */
describe('secret comparisons are constant time (source guard)', () => {
  it('bearer tokens and the GitLab token are compared as sha256 digests with crypto.timingSafeEqual', () => {
    for (const file of ['services/collector/src/auth/bearer-auth.ts', 'services/collector/src/auth/shared-secret.ts']) {
      const source = read(file);
      assert.match(source, /import \{[^}]*\btimingSafeEqual\b[^}]*\} from 'node:crypto'/, `${file} imports timingSafeEqual`);
      assert.match(source, /timingSafeEqual\(\s*(sha256\(presented\)|digest)\s*,\s*expected\s*\)/, `${file} compares the presented value's digest in constant time`);
    }
    assert.match(read('services/collector/src/webhooks/gitlab/gitlab-route.ts'), /createSharedSecretCheck\(deps\.token\)/, 'the GitLab route uses the constant-time check');
    assert.match(read('services/collector/src/build-collector-app.ts'), /createBearerAuth\(/, 'the app authenticates with createBearerAuth');
  });

  it("GitHub signatures are verified by @octokit/webhooks-methods' verify, which uses timingSafeEqual", () => {
    const route = read('services/collector/src/webhooks/github/github-route.ts');
    assert.match(route, /import \{ verify \} from '@octokit\/webhooks-methods'/);
    assert.match(route, /await verify\(secret, body, signature\)/);
    // Whichever copy Node resolves for the collector: its own node_modules first, then the hoisted one.
    const candidates = ['services/collector/node_modules', 'node_modules'].map((dir) => join(ROOT, dir, '@octokit/webhooks-methods/dist-node/index.js'));
    const installed = candidates.find((path) => existsSync(path));
    assert.ok(installed, 'the installed @octokit/webhooks-methods');
    const verifySource = readFileSync(installed, 'utf8');
    const body = verifySource.slice(verifySource.indexOf('async function verify'));
    assert.match(body.slice(0, 1200), /timingSafeEqual\(signatureBuffer, verificationBuffer\)/, 'the installed verify() compares with timingSafeEqual');
  });

  it("the alerter's webhook signature check (for receivers) uses timingSafeEqual", () => {
    assert.match(read('services/alerter/src/signing/sign-payload.ts'), /timingSafeEqual\(expected, given\)/);
  });

  it('no product source compares a secret-named value with === / !== / Buffer#equals', () => {
    const files = PRODUCT.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    assert.ok(files.length > 100, `scanned only ${files.length} files`);
    const found = secretComparisons(ROOT, files).filter((hit) => !NOT_SECRETS.some((allowed) => hit.file === allowed.file && allowed.text.test(hit.text)));
    assert.deepEqual(found, [], 'plain comparisons on secrets (use timingSafeEqual on digests)');
  });

  it('the scanner flags the comparisons it is meant to catch, and not checks for absence or length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipewatch-scan-'));
    try {
      const file = join(dir, 'sample.ts');
      writeFileSync(
        file,
        [
          'if (presented === token) ok();',
          'if (request.headers.signature !== expected) fail();',
          'return config.apiKey == given;',
          "if (Buffer.from(secret).equals(other)) ok();",
          'if (token === undefined) return;',
          "if (password === '') return;",
          'if (signature.length !== expected.length) return false;',
          "if (typeof secret === 'string') use(secret);",
        ].join('\n'),
      );
      const hits = secretComparisons(dir, [file]).map((hit) => hit.line);
      assert.deepEqual(hits, [1, 2, 3, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
