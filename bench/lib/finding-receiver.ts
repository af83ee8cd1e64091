import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedFinding {
  findingId: string;
  eventIds: string[];
  ruleId: string;
  detectedAt: string;
  /** performance.now() when the whole request had arrived. */
  arrivedAt: number;
}

export interface FindingReceiver {
  url: string;
  /** Called for the first delivery of each finding id. */
  onFinding(listener: (finding: ReceivedFinding) => void): void;
  counts(): { requests: number; duplicates: number; unreadable: number };
  close(): Promise<void>;
}

/**
 * A webhook endpoint on 127.0.0.1 that timestamps each finding as it arrives
 * (X-Pipewatch-Finding-Id, and the body's event_ids to map it back to the run)
 * and answers 200 at once.
 */
export async function startFindingReceiver(): Promise<FindingReceiver> {
  const seen = new Set<string>();
  const listeners: ((finding: ReceivedFinding) => void)[] = [];
  const counts = { requests: 0, duplicates: 0, unreadable: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrivedAt = performance.now();
      counts.requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      let body: { finding_id?: string; event_ids?: string[]; rule?: { id?: string }; detected_at?: string };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        counts.unreadable++;
        return;
      }
      const header = request.headers['x-pipewatch-finding-id'];
      const findingId = (typeof header === 'string' ? header : undefined) ?? body.finding_id;
      if (!findingId || !Array.isArray(body.event_ids)) {
        counts.unreadable++;
        return;
      }
      if (seen.has(findingId)) {
        counts.duplicates++;
        return;
      }
      seen.add(findingId);
      const finding: ReceivedFinding = { findingId, eventIds: body.event_ids, ruleId: body.rule?.id ?? '', detectedAt: body.detected_at ?? '', arrivedAt };
      for (const listener of listeners) listener(finding);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/findings`,
    onFinding: (listener) => listeners.push(listener),
    counts: () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
