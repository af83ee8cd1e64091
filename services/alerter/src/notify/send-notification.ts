import type { AddressPolicy } from '../outbound/address-policy.js';
import type { ResolveAll } from '../outbound/destination-guard.js';
import { postJson } from '../outbound/post-json.js';
import type { LinkSettings } from '../slack/finding-links.js';
import type { Destination } from './destination.js';
import { renderRequest, type Notification } from './notification.js';

export interface SendSettings {
  policy: AddressPolicy;
  links: LinkSettings;
  /** For tests: judge these addresses instead of the system resolver's. */
  resolveAll?: ResolveAll;
}

/** One attempt to deliver a notification (render, check the address, POST). */
export function sendNotificationOnce(destination: Destination, notification: Notification, settings: SendSettings, signal?: AbortSignal): Promise<void> {
  const { body, headers } = renderRequest(destination, notification, settings.links);
  return postJson({
    target: destination.target,
    body,
    headers,
    timeoutMs: destination.timeoutMs,
    policy: settings.policy,
    ...(signal ? { signal } : {}),
    ...(settings.resolveAll ? { resolveAll: settings.resolveAll } : {}),
  });
}
