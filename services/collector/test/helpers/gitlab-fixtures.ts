import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real GitLab hook payloads beside the repository (/work/shared/data/webhooks/gitlab). */
export const GITLAB_FIXTURES = fileURLToPath(new URL('../../../../../shared/data/webhooks/gitlab/', import.meta.url));

/** A clone on its own has no data beside it: the tests that need these payloads skip. */
export const HAS_GITLAB_FIXTURES = existsSync(GITLAB_FIXTURES);

export function gitlabFixture(name: 'build' | 'job' | 'pipeline'): Record<string, unknown> {
  return JSON.parse(readFileSync(`${GITLAB_FIXTURES}go-gitlab_${name}.json`, 'utf8')) as Record<string, unknown>;
}
