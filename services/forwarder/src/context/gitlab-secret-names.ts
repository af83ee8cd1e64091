import type { Env } from './env.js';

/**
 * Credentials GitLab itself puts in every job (or in jobs that use the feature): always
 * secrets when present.
 */
const GITLAB_CREDENTIALS = new Set([
  'CI_JOB_TOKEN',
  'CI_REGISTRY_PASSWORD',
  'CI_DEPENDENCY_PROXY_PASSWORD',
  'CI_DEPLOY_PASSWORD',
  // Removed in GitLab 17.0, still sent by older instances.
  'CI_JOB_JWT',
  'CI_JOB_JWT_V1',
  'CI_JOB_JWT_V2',
]);

/** Names whose parts say "credential"; matched per `_`-separated word or as a word's ending. */
const SECRET_WORDS = [
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'KEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'AUTH',
  'PAT',
  'JWT',
  'DSN',
  'PRIVATE',
  'APIKEY',
  'WEBHOOK',
];
const WORD = new RegExp(`(^|_)(${SECRET_WORDS.join('|')})(_|$)`);
const ENDING = /(TOKEN|SECRET|PASSWORD|PASSWD|APIKEY|PRIVATEKEY)$/;

/** Credential files that carry no credential word in their name. */
const KNOWN_CREDENTIAL_NAMES = new Set(['KUBECONFIG', 'NETRC', 'PGPASSFILE']);

/**
 * Shell, OS and well-known image variables that match the words but hold no secret: the
 * shell's `PWD`, ssh-agent's socket path, the python images' public release-signing key id.
 */
const NOT_SECRETS = new Set(['PWD', 'OLDPWD', 'SSH_AUTH_SOCK', 'GPG_AGENT_INFO', 'KEYTIMEOUT', 'GPG_KEY', 'GPG_KEYS', 'PASS_MAX_DAYS']);

/**
 * Names (never values) of the job's variables that look like secrets, sorted.
 *
 * GitLab does not tell a job which of its variables are masked, protected or even user
 * defined: CI/CD settings variables, `.gitlab-ci.yml` variables, the runner host's or the
 * image's own environment all arrive the same way. So the rule is a name heuristic:
 * - GitLab's own job credentials (CI_JOB_TOKEN, CI_REGISTRY_PASSWORD...) when set;
 * - other `CI_*` names are GitLab's predefined set and are not secrets (CI_RUNNER_SHORT_TOKEN
 *   is an 8-character runner id, not its token);
 * - any other name with a credential word (TOKEN, SECRET, PASSWORD, KEY, CREDENTIALS, AUTH,
 *   ...) as a `_`-separated part or ending (NPM_TOKEN, AWS_SECRET_ACCESS_KEY, GITLAB_TOKEN,
 *   DOCKER_AUTH_CONFIG, SSH_PRIVATE_KEY, an `id_tokens:` variable), and a few credential
 *   file variables (KUBECONFIG);
 * - empty values are left out: an unset secret is not access.
 * It misses secrets with neutral names (`DEPLOY_VALUE`) and may name a non-secret
 * (`PUBLIC_KEY`); a per-pipeline baseline cares about the set changing, which both keep stable.
 * GitHub has no counterpart: its secrets never appear in the environment unless a step maps
 * them in, so there the names come from the workflow file (see workflow-secrets.ts).
 */
export function gitLabSecretNames(env: Env): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length === 0) continue;
    if (looksSecret(name)) names.push(name);
  }
  return names.sort();
}

/** The name rule alone, for one variable name. */
export function looksSecret(name: string): boolean {
  const upper = name.toUpperCase();
  if (GITLAB_CREDENTIALS.has(upper)) return true;
  if (upper.startsWith('CI_')) return false;
  if (NOT_SECRETS.has(upper)) return false;
  if (KNOWN_CREDENTIAL_NAMES.has(upper)) return true;
  // `_` parts catch NPM_TOKEN; endings catch run-together names such as APITOKEN.
  return WORD.test(upper) || upper.split('_').some((part) => ENDING.test(part));
}
