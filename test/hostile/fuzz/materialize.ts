import { createHmac } from 'node:crypto';
import type { CaseSpec, Corruption } from './case-specs.js';
import { FUZZ_SECRETS, type FuzzRequest } from './fuzz-target.js';
import { ID_MARKER, UNIQUE_NUMBER } from './seed-payloads.js';

/** Hands out ids no earlier request used, so every valid record is new to the collector's dedupe. */
export function createIdSource(prefix: string): { next(): number; id(): string } {
  let counter = 0;
  return { next: () => ++counter + 1_000_000, id: () => `${prefix}${++counter}-` };
}

const PATHS = { events: '/v1/events', logs: '/v1/logs', 'logs-text': '/v1/logs', github: '/webhooks/github', gitlab: '/webhooks/gitlab', jenkins: '/webhooks/jenkins' } as const;

/** A case as the exact request to send: ids filled in, body assembled, bytes corrupted, headers and signature set. */
export function materialize(spec: CaseSpec, ids: ReturnType<typeof createIdSource>): FuzzRequest {
  const fill = (text: string): string => text.replaceAll(ID_MARKER, () => ids.id()).replaceAll(UNIQUE_NUMBER, () => String(ids.next()));
  const records = spec.records.map((record) => fill(record.text));
  let text: string;
  if (spec.route === 'logs-text') {
    text = records.length === 0 ? '' : `${records.join(spec.eol)}${spec.eol}`;
  } else if (spec.route === 'events' || spec.route === 'logs') {
    const json = spec.contentType !== undefined && /json/i.test(spec.contentType) && !/ndjson/i.test(spec.contentType);
    if (json) text = spec.asArray ? `[${records.join(',')}]` : records[0]!;
    else text = records.join(spec.blankLines ? `${spec.eol}  ${spec.eol}${spec.eol}` : spec.eol);
  } else {
    text = records[0]!;
  }
  if (spec.bom) text = `\uFEFF${text}`;
  const body = corrupt(Buffer.from(text, 'utf8'), spec.corruption);

  const headers: Record<string, string> = {};
  if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
  Object.assign(headers, credentials(spec));
  if (spec.route === 'github') {
    if (spec.githubEvent) headers['x-github-event'] = spec.githubEvent;
    headers['x-github-delivery'] = ids.id();
    if (spec.signature === 'valid') headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', FUZZ_SECRETS.githubSecret).update(body).digest('hex')}`;
    if (spec.signature === 'forged') headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`;
  }
  if (spec.route === 'gitlab') headers['idempotency-key'] = ids.id();
  const url = spec.route === 'logs-text' ? `${PATHS[spec.route]}?${fill(spec.query ?? '')}` : PATHS[spec.route];
  const validTexts = records.filter((_, index) => spec.records[index]!.intent === 'valid');
  const prototypeKeyTexts = records.filter((_, index) => spec.records[index]!.intent === 'prototype_key');
  return { url, headers, body, validTexts, prototypeKeyTexts };
}

function credentials(spec: CaseSpec): Record<string, string> {
  const { token, gitlabToken } = FUZZ_SECRETS;
  if (spec.route === 'github') return {};
  if (spec.route === 'gitlab') {
    switch (spec.credential) {
      case 'valid':
      case 'basic':
        return { 'x-gitlab-token': gitlabToken };
      case 'missing':
        return {};
      case 'wrong':
        return { 'x-gitlab-token': `${gitlabToken}x` };
      case 'garbage':
        return { 'x-gitlab-token': gitlabToken.slice(0, 8) };
    }
  }
  switch (spec.credential) {
    case 'valid':
      return { authorization: `Bearer ${token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`jenkins:${token}`).toString('base64')}` };
    case 'missing':
      return {};
    case 'wrong':
      return { authorization: `Bearer ${token.slice(0, -1)}X` };
    case 'garbage':
      return { authorization: `Bearer\t ${'A'.repeat(4096)}` };
  }
}

function corrupt(body: Buffer, corruption: Corruption | undefined): Buffer {
  if (!corruption || body.length === 0) return body;
  const at = Math.min(body.length, Math.floor(body.length * corruption.at));
  switch (corruption.kind) {
    case 'truncate':
      return body.subarray(0, at);
    case 'nul':
      return Buffer.concat([body.subarray(0, at), Buffer.from([0]), body.subarray(at)]);
    case 'invalid_utf8':
      return Buffer.concat([body.subarray(0, at), Buffer.from(corruption.bytes), body.subarray(at)]);
  }
}

/** Whether the bytes survive a UTF-8 decode and re-encode unchanged (what a signature over the decoded text needs). */
export function isWellFormedUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}
