import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Delivery {
  findingId: string;
  notificationId: string;
  pipelineId: string;
  at: number;
}

export interface CountingReceiver {
  url: string;
  /** Every request that was answered 2xx, in arrival order (raw: resends included). */
  deliveries: Delivery[];
  /** Requests received but not yet answered (a slow receiver holds them). */
  inFlight(): number;
  /** How long the receiver waits before answering requests that arrive from now on. */
  setDelay(ms: number): void;
  /** Distinct X-Pipewatch-Finding-Id values answered 2xx: what a receiver deduping on it sees. */
  uniqueFindingIds(pipelines?: readonly string[]): Set<string>;
  /** Distinct X-Pipewatch-Notification-Id values answered 2xx. */
  uniqueNotificationIds(): Set<string>;
  close(): Promise<void>;
}

/**
 * A webhook endpoint on loopback that answers every POST with 200, after `delayMs`
 * (a slow consumer), and counts what it got: raw deliveries and distinct ids, as a
 * receiver that dedupes on the notification id would.
 */
export async function startCountingReceiver(options: { delayMs?: number } = {}): Promise<CountingReceiver> {
  const deliveries: Delivery[] = [];
  let delayMs = options.delayMs ?? 0;
  const sockets = new Set<Socket>();
  let pending = 0;
  const server: Server = createServer((request, response) => {
    pending++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (): void => {
        pending--;
        deliveries.push({
          findingId: String(request.headers['x-pipewatch-finding-id'] ?? ''),
          notificationId: String(request.headers['x-pipewatch-notification-id'] ?? ''),
          pipelineId: pipelineOf(Buffer.concat(chunks).toString('utf8')),
          at: Date.now(),
        });
        response.writeHead(200).end();
      };
      if (delayMs > 0) setTimeout(answer, delayMs).unref();
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    inFlight: () => pending,
    setDelay: (ms) => {
      delayMs = ms;
    },
    uniqueFindingIds: (pipelines) =>
      new Set(deliveries.filter((delivery) => !pipelines || pipelines.includes(delivery.pipelineId)).map((delivery) => delivery.findingId)),
    uniqueNotificationIds: () => new Set(deliveries.map((delivery) => delivery.notificationId)),
    async close() {
      // Held requests would keep close() waiting for ever.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function pipelineOf(body: string): string {
  try {
    return String((JSON.parse(body) as { pipeline?: { id?: string } }).pipeline?.id ?? '');
  } catch {
    return '';
  }
}
