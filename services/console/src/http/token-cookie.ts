import type { FastifyReply, FastifyRequest } from 'fastify';
import { TOKEN_COOKIE, cookieValue, type BearerAuth } from '@pipewatch/collector';

/**
 * HttpOnly keeps page scripts from reading the token; SameSite=Strict keeps other
 * sites from sending it (no CSRF on the suppression API); Secure when served over
 * TLS. No Max-Age: the session ends with the browser.
 */
export function setTokenCookie(reply: FastifyReply, request: FastifyRequest, token: string): void {
  reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`);
}

export function clearTokenCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/** The same check the auth hook makes: a bearer header, or the session cookie. */
export function hasValidToken(request: FastifyRequest, auth: BearerAuth): boolean {
  if (!auth.enabled) return true;
  return auth.check(request.headers.authorization) === 'ok' || auth.checkToken(cookieValue(request.headers.cookie, TOKEN_COOKIE)) === 'ok';
}

/** Only the console's own pages are redirect targets, so a crafted link cannot bounce a login elsewhere. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/ui(?:[/?#]|$)/.test(next) ? next : '/ui';
}

/** The request's URL without `?token=`, so the token does not stay in the address bar or history. */
export function withoutToken(url: string): string {
  const parsed = new URL(url, 'http://console.invalid');
  parsed.searchParams.delete('token');
  return `${parsed.pathname}${parsed.search}`;
}
