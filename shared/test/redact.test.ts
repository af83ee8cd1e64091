import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REDACTED, SECRET_PATTERNS, redactLines, redactText, redactionTotal } from '@pipewatch/shared';

interface Planted {
  kind: string;
  line: string;
  /** The line as it must come out: only the secret replaced. */
  expected: string;
}

const PEM_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQAB';

const PLANTED: Planted[] = [
  {
    kind: 'private_key',
    line: `deploy key: -----BEGIN RSA PRIVATE KEY-----\\n${PEM_BODY}\\n-----END RSA PRIVATE KEY----- written to ~/.ssh/id_rsa`,
    expected: `deploy key: ${REDACTED} written to ~/.ssh/id_rsa`,
  },
  {
    kind: 'github_token',
    line: '2024-05-01T12:00:03.1234567Z remote: https://github.com/octo/app using GH_TOKEN ghp_R8x2Kq9ZpL4mW7vB3nT6yH1cF5dJ0sAeGuQi (scopes: repo)',
    expected: `2024-05-01T12:00:03.1234567Z remote: https://github.com/octo/app using GH_TOKEN ${REDACTED} (scopes: repo)`,
  },
  {
    kind: 'aws_access_key_id',
    line: '[INFO] Using AWS credentials AKIAIOSFODNN7EXAMPLE for s3://artifacts-bucket',
    expected: `[INFO] Using AWS credentials ${REDACTED} for s3://artifacts-bucket`,
  },
  {
    kind: 'aws_secret_access_key',
    line: 'export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" && aws s3 sync dist/ s3://site',
    expected: `export AWS_SECRET_ACCESS_KEY="${REDACTED}" && aws s3 sync dist/ s3://site`,
  },
  {
    kind: 'slack_token',
    line: 'notify: posting with xoxb-2836482734-1597534862158-q8WmZr2LbT6vY1pKx3NcH9sD to #builds',
    expected: `notify: posting with ${REDACTED} to #builds`,
  },
  {
    kind: 'slack_webhook',
    line: 'curl -X POST https://hooks.slack.com/services/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 -d @payload.json',
    expected: `curl -X POST ${REDACTED} -d @payload.json`,
  },
  {
    kind: 'jwt',
    line: 'received OIDC id eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZXBvOm9jdG8vYXBwOnJlZjpyZWZzL2hlYWRzL21haW4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c from the runner',
    expected: `received OIDC id ${REDACTED} from the runner`,
  },
  {
    kind: 'npm_token',
    line: 'echo "//registry.npmjs.org/:_authToken npm_Xy7Kq2Wm9Lp4Zr8Vt3Nb6Hc1Fd5Js0GaQe2R" >> .npmrc',
    expected: `echo "//registry.npmjs.org/:_authToken ${REDACTED}" >> .npmrc`,
  },
  {
    kind: 'bearer',
    line: 'curl -sS -H "Authorization: Bearer 4f9a1c2e7b3d8a6f0e5c9b2d7a1f3e8c" https://api.example.com/deploy',
    expected: `curl -sS -H "Authorization: Bearer ${REDACTED}" https://api.example.com/deploy`,
  },
  {
    kind: 'gitlab_token',
    line: 'git push https://oauth2@gitlab.example.com/group/app.git -o token=glpat-Xq7vR2mK9pLz4Wn8Ty3B',
    expected: `git push https://oauth2@gitlab.example.com/group/app.git -o token=${REDACTED}`,
  },
  {
    kind: 'aws_session_token',
    line: `"SessionToken": "${'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD'.repeat(3)}",`,
    expected: `"SessionToken": "${REDACTED}",`,
  },
  {
    kind: 'basic_auth',
    line: 'curl -H "Authorization: Basic ZGVwbG95LWJvdDpzM2NyM3RQYXNzdzByZA==" https://nexus.example.com/upload',
    expected: `curl -H "Authorization: Basic ${REDACTED}" https://nexus.example.com/upload`,
  },
  {
    kind: 'url_credentials',
    line: 'git clone https://deploy-bot:s3cr3tPassw0rd@gitlab.example.com/group/app.git --depth 1',
    expected: `git clone https://deploy-bot:${REDACTED}@gitlab.example.com/group/app.git --depth 1`,
  },
];

/** Lines that mention secrets without holding one; the last two are from the real logs below. */
const BENIGN = [
  'password=false',
  '  --no-password --password=false',
  'token=${{ secrets.GITHUB_TOKEN }}',
  'env: NPM_TOKEN=${{ secrets.NPM_TOKEN }}',
  'docker login --password-stdin --password-file=/etc/x',
  'vault agent --token-file=/run/secrets/vault_token --password-file=/etc/pipewatch/db-password',
  'export TOKEN=$GITHUB_TOKEN',
  'token: ***',
  'Tokens: 1234 processed, auth: ok',
  '2021-12-01T13:00:43.4636556Z   server-password: GITHUB_TOKEN',
  '\t    com.vmware.xenon.common.test.TestContext authCtx = host.testCreate(1);',
];

describe('redactText', () => {
  it('has a planted sample for every kind in SECRET_PATTERNS', () => {
    assert.deepEqual(
      PLANTED.map((sample) => sample.kind).sort(),
      SECRET_PATTERNS.map((pattern) => pattern.kind).sort(),
    );
  });

  for (const sample of PLANTED) {
    it(`replaces a ${sample.kind} with ${REDACTED}, counts it, and keeps the rest of the line`, () => {
      const { text, counts } = redactText(sample.line);
      assert.equal(text, sample.expected);
      assert.deepEqual(counts, { [sample.kind]: 1 });
    });
  }

  /** Further shapes of the same kinds, as they show up in real tool output. */
  const VARIANTS: [kind: string, line: string, expected: string][] = [
    ['github_token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a used', `${REDACTED} used`],
    ['github_token', 'GITHUB_TOKEN is ghs_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R', `GITHUB_TOKEN is ${REDACTED}`],
    [
      'github_token',
      'pat: github_pat_11ABCDEFG0abcdefghijkl_MNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ end',
      `pat: ${REDACTED} end`,
    ],
    [
      'aws_secret_access_key',
      '    "SecretAccessKey": "9drTJvcXLB89EXAMPLELB8923FB892xMFI/aBcDe",',
      `    "SecretAccessKey": "${REDACTED}",`,
    ],
    [
      'aws_secret_access_key',
      '+ aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      `+ aws configure set aws_secret_access_key ${REDACTED}`,
    ],
    ['slack_token', 'SLACK_APP_TOKEN=xapp-1-A0123BCDE-4567890123-abcdef0123456789', `SLACK_APP_TOKEN=${REDACTED}`],
    [
      'private_key',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\\nlQOYBF0vJ0cBCADK3q\\n-----END PGP PRIVATE KEY BLOCK-----',
      REDACTED,
    ],
    [
      'private_key',
      'key: "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
      `key: "${REDACTED}`,
    ],
    ['assignment', 'docker login -u bot --password q8Xz!m2Lr9vT registry.example.com', `docker login -u bot --password ${REDACTED} registry.example.com`],
    ['assignment', 'password: "Zk29fLq0xP3mNw7V"', `password: "${REDACTED}"`],
  ];

  for (const [kind, line, expected] of VARIANTS) {
    it(`redacts a ${kind} in the form ${JSON.stringify(line.slice(0, 48))}…`, () => {
      const { text, counts } = redactText(line);
      assert.equal(text, expected);
      assert.deepEqual(counts, { [kind]: 1 });
    });
  }

  it('redacts a random value assigned to a secret-named key, in env and JSON style', () => {
    const cases: [string, string][] = [
      ['DB_PASSWORD=q8Xz!m2Lr9vT then connect', `DB_PASSWORD=${REDACTED} then connect`],
      ['--token=9f86d081884c7d659a2feaa0c55ad015 --verbose', `--token=${REDACTED} --verbose`],
      ['{"api_key": "Zk29fLq0xP3mNw7V", "region": "eu-west-1"}', `{"api_key": "${REDACTED}", "region": "eu-west-1"}`],
      // Starts with a slash like a path, but its segment is random: still a secret.
      ['CLIENT_SECRET=/Zk29fLq0xP3mNw7V', `CLIENT_SECRET=${REDACTED}`],
    ];
    for (const [line, expected] of cases) {
      const { text, counts } = redactText(line);
      assert.equal(text, expected, line);
      assert.deepEqual(counts, { assignment: 1 }, line);
    }
  });

  for (const line of BENIGN) {
    it(`leaves a benign line alone: ${JSON.stringify(line)}`, () => {
      const { text, counts } = redactText(line);
      assert.equal(text, line);
      assert.equal(redactionTotal(counts), 0);
    });
  }

  it('removes known secret values wherever they appear, even inside words', () => {
    const value = 'pr0d-Deploy-Key-77';
    const { text, counts } = redactText(`echo ${value} | base64; curl -u bot:${value} https://x; id=abc${value}xyz`, [value]);
    assert.equal(text, `echo ${REDACTED} | base64; curl -u bot:${REDACTED} https://x; id=abc${REDACTED}xyz`);
    assert.equal(counts.known_value, 3);
  });

  it('removes base64 and percent-encoded forms of a known value (exfiltration past exact masking)', () => {
    const value = 'pr0d-Deploy/Key+77';
    const b64 = Buffer.from(value).toString('base64');
    const url = encodeURIComponent(value);
    const { text, counts } = redactText(`echo ${b64} ; curl "https://x.example/?k=${url}"`, [value]);
    assert.ok(!text.includes(b64.replace(/=+$/, '')) && !text.includes(url), text);
    assert.equal(counts.known_value, 2);
  });

  it('removes the longer of two overlapping known values whole', () => {
    const { text } = redactText('token=abcdefgh-ijkl', ['abcdefgh', 'abcdefgh-ijkl']);
    assert.equal(text, `token=${REDACTED}`);
  });

  it('ignores known values shorter than 4 characters, which would shred ordinary text', () => {
    assert.equal(redactText('the cat sat', ['at']).text, 'the cat sat');
  });

  it('redacts several secrets on one line and counts each', () => {
    const line = 'AKIAIOSFODNN7EXAMPLE and ghp_R8x2Kq9ZpL4mW7vB3nT6yH1cF5dJ0sAeGuQi and AKIAI44QH8DHBEXAMPLE';
    const { text, counts } = redactText(line);
    assert.equal(text, `${REDACTED} and ${REDACTED} and ${REDACTED}`);
    assert.deepEqual(counts, { aws_access_key_id: 2, github_token: 1 });
  });

  describe('redactLines', () => {
    const pem = ['-----BEGIN RSA PRIVATE KEY-----', ...PEM_BODY.match(/.{1,64}/g)!, '-----END RSA PRIVATE KEY-----'];

    it('masks every line of a key printed over many lines, keeping the line count and the lines around it', () => {
      const input = ['$ cat deploy_key', ...pem, 'done'];
      const { lines, counts } = redactLines(input);
      assert.equal(lines.length, input.length);
      assert.equal(lines[0], '$ cat deploy_key');
      assert.equal(lines.at(-1), 'done');
      assert.ok(lines.slice(1, -1).every((line) => line === REDACTED));
      assert.deepEqual(counts, { private_key: 1 });
    });

    it('masks to the end of the batch when the END never comes', () => {
      const { lines } = redactLines(['x', ...pem.slice(0, 4)]);
      assert.deepEqual(lines, ['x', REDACTED, REDACTED, REDACTED, REDACTED]);
    });

    it('masks the base64 lines above an END whose BEGIN was in an earlier batch', () => {
      const tail = ['2024-05-01T12:00:03.1234567Z building', ...pem.slice(3)];
      const { lines, counts } = redactLines(tail);
      assert.equal(lines[0], tail[0]);
      assert.ok(lines.slice(1).every((line) => line === REDACTED), JSON.stringify(lines));
      assert.equal(counts.private_key, 1);
    });

    it('redacts single-line secrets and known values on each line', () => {
      const { lines, counts } = redactLines(['a ghp_R8x2Kq9ZpL4mW7vB3nT6yH1cF5dJ0sAeGuQi', 'b hunter2-prod'], ['hunter2-prod']);
      assert.deepEqual(lines, [`a ${REDACTED}`, `b ${REDACTED}`]);
      assert.deepEqual(counts, { github_token: 1, known_value: 1 });
    });
  });

  describe('on real CI logs', () => {
    const root = fileURLToPath(new URL('../../../shared/data/ci-logs/', import.meta.url));

    it('never throws and changes fewer than 0.5% of the lines', function () {
      if (!existsSync(root)) this.skip(); // the data set lives beside the repository, not in it
      let total = 0;
      const changed: string[] = [];
      for (const build of readdirSync(root)) {
        for (const file of readdirSync(join(root, build)).filter((name) => name.endsWith('.log'))) {
          const lines = readFileSync(join(root, build, file), 'utf8').split('\n');
          lines.forEach((line, index) => {
            total += 1;
            if (redactText(line).text !== line) changed.push(`${build}/${file}:${index + 1}: ${line.slice(0, 200)}`);
          });
        }
      }
      assert.ok(total > 50_000, `expected the full data set, read ${total} lines`);
      assert.ok(changed.length / total < 0.005, `${changed.length} of ${total} lines changed:\n${changed.slice(0, 20).join('\n')}`);
    });

    it('redactLines over each whole log changes no more lines than redactText line by line', function () {
      if (!existsSync(root)) this.skip();
      for (const build of readdirSync(root)) {
        for (const file of readdirSync(join(root, build)).filter((name) => name.endsWith('.log'))) {
          const lines = readFileSync(join(root, build, file), 'utf8').split('\n');
          const redacted = redactLines(lines).lines;
          assert.equal(redacted.length, lines.length);
          const changed = redacted.filter((line, index) => line !== lines[index]).length;
          const alone = lines.filter((line) => redactText(line).text !== line).length;
          assert.equal(changed, alone, `${build}/${file}`);
        }
      }
    });
  });
});
