import { createHash, timingSafeEqual } from 'node:crypto';

export type BearerVerdict = 'ok' | 'missing' | 'invalid';

export interface BearerAuth {
  /** False when no tokens are configured: every request is let through. */
  readonly enabled: boolean;
  check(authorization: string | undefined): BearerVerdict;
  /** The same check on a token taken from elsewhere (e.g. the password of Basic auth). */
  checkToken(presented: string | undefined): BearerVerdict;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens. Comparing
 * fixed-size digests keeps timingSafeEqual from leaking a token's length, and every
 * token is compared (no early exit) so timing does not reveal which one came close.
 */
export function createBearerAuth(tokens: readonly string[]): BearerAuth {
  const digests = tokens.filter((token) => token.length > 0).map(sha256);
  const checkToken = (presented: string | undefined): BearerVerdict => {
    if (digests.length === 0) return 'ok';
    if (presented === undefined) return 'missing';
    const digest = sha256(presented);
    let matched = false;
    for (const expected of digests) {
      matched = timingSafeEqual(digest, expected) || matched;
    }
    return matched ? 'ok' : 'invalid';
  };
  return {
    enabled: digests.length > 0,
    check: (authorization) => checkToken(bearerToken(authorization)),
    checkToken,
  };
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer(?:[ \t]+(.*))?$/i.exec(authorization ?? '');
  const token = match?.[1]?.trim();
  return token ? token : undefined;
}

/**
 * The cookie that carries a token for browsers, which cannot send a bearer header
 * on page loads; the console sets it (HttpOnly, SameSite=Strict) after a login.
 */
export const TOKEN_COOKIE = 'pipewatch_token';

/** One cookie's value from a Cookie header (percent-decoded); undefined when absent, empty or malformed. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    try {
      const value = decodeURIComponent(pair.slice(equals + 1).trim());
      return value.length > 0 ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The password of `Authorization: Basic base64(user:password)`. Jenkins'
 * Notification plugin can send no other header: it turns the user-info of the
 * endpoint URL (`https://pipewatch:<token>@host/...`) into Basic auth.
 */
export function basicPassword(authorization: string | undefined): string | undefined {
  const match = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon === -1 ? decoded : decoded.slice(colon + 1);
  return password.length > 0 ? password : undefined;
}
