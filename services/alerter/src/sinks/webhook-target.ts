import { PermanentError } from '@pipewatch/shared';

export interface WebhookTarget {
  /** What fetch is given: the URL without userinfo (fetch refuses URLs carrying credentials). */
  url: string;
  /** Origin and path only: query strings and userinfo often hold tokens, so logs and errors get this. */
  display: string;
  /** Basic credentials taken from the URL's userinfo, when it had any. */
  authorization?: string;
}

export interface WebhookTargetOptions {
  /**
   * Whether logs may show the path. Off for URLs whose path is the credential
   * (Slack incoming webhooks): then only the origin is ever shown.
   */
  revealPath?: boolean;
}

/** Parses a webhook URL once, at start, separating what may be logged from what may not. */
export function parseWebhookTarget(raw: string, options: WebhookTargetOptions = {}): WebhookTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The raw value may hold a token, so it is not repeated in the message.
    throw new PermanentError('invalid_webhook_url', 'the webhook URL does not parse');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentError('invalid_webhook_url', `the webhook URL must be http(s), got ${url.protocol}`);
  }
  const display = options.revealPath === false ? url.origin : `${url.origin}${url.pathname}`;
  if (url.username === '' && url.password === '') return { url: url.href, display };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, display, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
