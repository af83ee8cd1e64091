import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

/** Headers of a GitHub delivery signed as GitHub signs it: HMAC-SHA256 of the exact body text. */
export async function githubHeaders(secret: string, body: string, event: string, delivery: string = randomUUID()): Promise<Record<string, string>> {
  return {
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': await sign(secret, body),
    'user-agent': 'GitHub-Hookshot/test',
  };
}
