import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baselineFromText } from '@pipewatch/detector';
import type { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { leakTable, type Needle, type PlannedRequest } from './secret-traffic.js';

/** Credentials the sender attaches per route. */
export interface SenderCredentials {
  token: string;
  gitlabToken: string;
}

/** Sends the planned requests in order; every one must be accepted. Returns the answers' bodies. */
export async function sendPlanned(baseUrl: string, requests: readonly PlannedRequest[], credentials: SenderCredentials): Promise<string[]> {
  const answers: string[] = [];
  for (const request of requests) {
    const auth: Record<string, string> = request.path.startsWith('/webhooks/github')
      ? {}
      : request.path.startsWith('/webhooks/gitlab')
        ? { 'x-gitlab-token': credentials.gitlabToken }
        : { authorization: `Bearer ${credentials.token}` };
    const response = await fetch(`${baseUrl}${request.path}`, {
      method: 'POST',
      headers: { 'content-type': request.contentType, ...auth, ...request.headers },
      body: request.body,
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`${request.what}: ${response.status} ${text.slice(0, 500)}`);
    answers.push(text);
  }
  return answers;
}

/** Every file under `dir`, as one text. */
export async function filesText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    // Baselines are stored encoded (base64 lines): searched in their decoded form.
    parts.push(entry.name.startsWith('baselines.ndjson') ? decodedBaselines(text) : text);
  }
  return parts.join('\n');
}

function decodedBaselines(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.stringify(baselineFromText(line) ?? line);
      } catch {
        return line;
      }
    })
    .join('\n');
}

export const receiverText = (receiver: WebhookReceiver): string => JSON.stringify(receiver.received.map((request) => ({ headers: request.headers, body: request.body })));

/**
 * Looks for each needle as is and JSON-escaped (log records and stored JSON escape
 * quotes and control characters), and prints a planted-vs-leaked table.
 */
export function checkLeaks(title: string, sinks: Record<string, string>, needles: readonly Needle[]): { sink: string; planted: number; leaked: string[] }[] {
  const widened = needles.flatMap((needle) => {
    const escaped = JSON.stringify(needle.text).slice(1, -1);
    return escaped === needle.text ? [needle] : [needle, { ...needle, text: escaped }];
  });
  const rows = leakTable(sinks, widened).map((row) => ({ ...row, planted: needles.length, leaked: [...new Set(row.leaked)] }));
  const width = Math.max(...rows.map((row) => row.sink.length));
  const lines = rows.map((row) => `  ${row.sink.padEnd(width)}  planted ${String(row.planted).padStart(3)}  leaked ${row.leaked.length}${row.leaked.length ? ` (${row.leaked.join(', ')})` : ''}  [${sinks[row.sink]!.length} chars]`);
  process.stdout.write(`\n    ${title}\n${lines.map((line) => `    ${line}`).join('\n')}\n`);
  return rows;
}
