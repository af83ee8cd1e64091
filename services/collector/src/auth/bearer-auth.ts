import { createHash, timingSafeEqual } from 'node:crypto';

export type BearerVerdict = 'ok' | 'missing' | 'invalid';

export interface BearerAuth {
  /** False when no tokens are configured: every request is let through. */
  readonly enabled: boolean;
  check(authorization: string | undefined): BearerVerdict;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens. Comparing
 * fixed-size digests keeps timingSafeEqual from leaking a token's length, and every
 * token is compared (no early exit) so timing does not reveal which one came close.
 */
export function createBearerAuth(tokens: readonly string[]): BearerAuth {
  const digests = tokens.filter((token) => token.length > 0).map(sha256);
  return {
    enabled: digests.length > 0,
    check(authorization) {
      if (digests.length === 0) return 'ok';
      const presented = bearerToken(authorization);
      if (presented === undefined) return 'missing';
      const digest = sha256(presented);
      let matched = false;
      for (const expected of digests) {
        matched = timingSafeEqual(digest, expected) || matched;
      }
      return matched ? 'ok' : 'invalid';
    },
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer(?:[ \t]+(.*))?$/i.exec(authorization ?? '');
  const token = match?.[1]?.trim();
  return token ? token : undefined;
}
