import { createHash } from 'node:crypto';
import type { Finding } from '@pipewatch/shared';
import { signatureHeaders } from '../signing/signature-headers.js';
import { buildSlackMessage } from '../slack/slack-message.js';
import type { LinkSettings } from '../slack/finding-links.js';
import type { Destination } from './destination.js';

/** What one request to one destination carries: one finding, or one run's findings. */
export interface Notification {
  /** Deterministic over destination and finding ids, so receivers can dedupe a resend. */
  id: string;
  destination: string;
  findings: Finding[];
}

export function notificationId(destination: string, findings: readonly Finding[]): string {
  const ids = findings.map((finding) => finding.finding_id).sort();
  return createHash('sha256').update([destination, ...ids].join('\u0000')).digest('hex').slice(0, 32);
}

export function makeNotification(destination: string, findings: Finding[]): Notification {
  return { id: notificationId(destination, findings), destination, findings };
}

export interface RenderedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * The request for a notification, rendered afresh for every attempt (a signed
 * request gets a fresh timestamp). Slack: the Block Kit message. Webhook, per
 * finding: the finding JSON with X-Pipewatch-Finding-Id. Webhook, per run:
 * `{findings: [...]}`. Signed webhooks add X-Pipewatch-Timestamp and -Signature.
 */
export function renderRequest(destination: Destination, notification: Notification, links: LinkSettings, now: Date = new Date()): RenderedRequest {
  if (destination.kind === 'slack') return { body: JSON.stringify(buildSlackMessage(notification.findings, links)), headers: {} };
  const single = destination.body === 'finding' && notification.findings.length === 1 ? notification.findings[0] : undefined;
  const body = JSON.stringify(single ?? { findings: notification.findings });
  const headers: Record<string, string> = { 'x-pipewatch-notification-id': notification.id };
  if (single) headers['x-pipewatch-finding-id'] = single.finding_id;
  return { body, headers: { ...headers, ...(destination.secret ? signatureHeaders(destination.secret, body, now) : {}) } };
}
