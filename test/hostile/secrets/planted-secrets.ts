import fc from 'fast-check';

/**
 * One secret of every format the redactor knows (shared/src/redact/secret-patterns.ts,
 * plus known values), with the text a CI log or payload would show it in. `secret`
 * is the exact string that must never come out the other side; `line` is how it is
 * planted. Values are random per call, so a hit can only come from this plant.
 */
export interface PlantedSecret {
  kind: string;
  secret: string;
  line: string;
}

/** The strings that must never appear downstream: the secret, or for a key block each of its lines. */
export function needlesOf(planted: PlantedSecret): string[] {
  return planted.kind === 'private_key' ? planted.secret.split('\n') : [planted.secret];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;

const chars = (alphabet: string, min: number, max = min): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

/** Mixed classes, so the entropy test of the assignment rule passes, as a real credential would. */
const randomPassword = fc.tuple(chars(ALNUM, 10, 18), chars('!#%&*?~', 1, 2), chars('0123456789', 2, 3)).map(([a, b, c]) => `Q${a}${b}${c}z`);

const PEM_LINE = chars(BASE64, 64);

/** An arbitrary planted secret of one kind; `tag` makes every value unique to its run. */
export function plantedSecretArbs(tag: string): Record<string, fc.Arbitrary<PlantedSecret>> {
  const t = tag.replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
  return {
    github_token: chars(ALNUM, 36 - t.length).map((body) => ({ kind: 'github_token', secret: `ghp_${t}${body}`, line: '' })),
    github_pat: chars(`${ALNUM}_`, 76).map((body) => ({ kind: 'github_token', secret: `github_pat_${t}${body}`, line: '' })),
    gitlab_token: chars(ALNUM, 20).map((body) => ({ kind: 'gitlab_token', secret: `glpat-${t}${body}`, line: '' })),
    aws_access_key_id: chars(UPPER_DIGITS, 16).map((body) => ({ kind: 'aws_access_key_id', secret: `AKIA${body}`, line: '' })),
    aws_secret_access_key: chars(BASE64, 40).map((secret) => ({ kind: 'aws_secret_access_key', secret, line: '' })),
    aws_session_token: chars(BASE64, 120).map((secret) => ({ kind: 'aws_session_token', secret, line: '' })),
    slack_token: chars(ALNUM, 24).map((body) => ({ kind: 'slack_token', secret: `xoxb-2836482734-${t}${body}`, line: '' })),
    slack_webhook: chars(ALNUM, 24).map((body) => ({ kind: 'slack_webhook', secret: `https://hooks.slack.com/services/T024BE7LD/B08AB1C2D3E/${t}${body}`, line: '' })),
    jwt: fc.tuple(chars(BASE64URL, 20), chars(BASE64URL, 40), chars(BASE64URL, 43)).map(([h, p, s]) => ({ kind: 'jwt', secret: `eyJ${h}.eyJ${t}${p}.${s}`, line: '' })),
    npm_token: chars(ALNUM, 36 - t.length).map((body) => ({ kind: 'npm_token', secret: `npm_${t}${body}`, line: '' })),
    bearer: chars(ALNUM, 32).map((secret) => ({ kind: 'bearer', secret: `${t}${secret}`, line: '' })),
    basic_auth: fc.tuple(randomPassword, chars(ALNUM, 6)).map(([password, user]) => ({ kind: 'basic_auth', secret: Buffer.from(`${user}:${password}${t}`).toString('base64').replace(/=+$/, ''), line: '' })),
    url_credentials: randomPassword.map((password) => ({ kind: 'url_credentials', secret: `${password}${t}`, line: '' })),
    private_key: fc.array(PEM_LINE, { minLength: 4, maxLength: 6 }).map((lines) => ({ kind: 'private_key', secret: lines.join('\n'), line: '' })),
    assignment: randomPassword.map((password) => ({ kind: 'assignment', secret: `${password}${t}`, line: '' })),
    flag: randomPassword.map((password) => ({ kind: 'assignment', secret: `${password}${t}`, line: '' })),
  };
}

/** How each kind appears in a log line or free text, around the secret. */
export function lineFor(name: string, secret: string): string {
  switch (name) {
    case 'github_token':
    case 'github_pat':
      return `remote: using GH_TOKEN ${secret} (scopes: repo)`;
    case 'gitlab_token':
      return `git push -o token=${secret}`;
    case 'aws_access_key_id':
      return `[INFO] Using AWS credentials ${secret} for s3://artifacts`;
    case 'aws_secret_access_key':
      return `export AWS_SECRET_ACCESS_KEY="${secret}" && aws s3 sync dist/ s3://site`;
    case 'aws_session_token':
      return `"SessionToken": "${secret}",`;
    case 'slack_token':
      return `notify: posting with ${secret} to #builds`;
    case 'slack_webhook':
      return `curl -X POST ${secret} -d @payload.json`;
    case 'jwt':
      return `received OIDC id ${secret} from the runner`;
    case 'npm_token':
      return `//registry.npmjs.org/:_authToken ${secret}`;
    case 'bearer':
      return `curl -H "Authorization: Bearer ${secret}" https://api.example.com/deploy`;
    case 'basic_auth':
      return `curl -H "Authorization: Basic ${secret}" https://nexus.example.com/upload`;
    case 'url_credentials':
      return `git clone https://deploy-bot:${secret}@gitlab.example.com/group/app.git`;
    case 'private_key':
      return `-----BEGIN RSA PRIVATE KEY-----\n${secret}\n-----END RSA PRIVATE KEY-----`;
    case 'assignment':
      return `DB_PASSWORD=${secret} then connect`;
    case 'flag':
      return `docker login -u bot --password ${secret} registry.example.com`;
    default:
      return secret;
  }
}

/** One concrete planted secret per format, for the end-to-end leak tests. */
export function plantOneOfEach(tag: string, seed: number): (PlantedSecret & { name: string })[] {
  return Object.entries(plantedSecretArbs(tag)).map(([name, arb], index) => {
    const [sample] = fc.sample(arb, { numRuns: 1, seed: seed + index });
    return { ...sample!, name, line: lineFor(name, sample!.secret) };
  });
}

/**
 * A tj-actions/changed-files style dump: runner secrets as JSON, base64-encoded
 * twice, printed on one log line. The collector's redactor does not decode it
 * (only the detector does), so it is the way to get a `log.encoded_secret` finding.
 */
export function encodedSecretDump(secrets: Record<string, string>): { line: string; blob: string; once: string } {
  const json = JSON.stringify(Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, { value, isSecret: true }])));
  const once = Buffer.from(json).toString('base64');
  const blob = Buffer.from(once).toString('base64');
  return { line: blob, blob, once };
}
