// Loopback TCP listeners for the synthetic workload, in their own node process: their CPU then
// counts neither as the benchmark's (which parses the trace) nor as the workload's (it is reaped
// only after the last measurement). One listener per connection the workload opens, so each
// connection has a destination (127.0.0.1, port) of its own, which is what the /proc sampler
// counts: distinct destinations.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export const LOOPBACK_HOST = '127.0.0.1';

const SERVER_SOURCE = `
const net = require('node:net');
const count = Number(process.argv[1]);
let accepted = 0;
const ports = [];
let listening = 0;
for (let i = 0; i < count; i++) {
  const server = net.createServer((socket) => {
    accepted++;
    socket.on('error', () => {});
    socket.end('x');
  });
  server.listen(0, ${JSON.stringify(LOOPBACK_HOST)}, () => {
    ports[i] = server.address().port;
    if (++listening === count) process.stdout.write(JSON.stringify({ ports }) + '\\n');
  });
}
require('node:readline').createInterface({ input: process.stdin }).on('line', () => process.stdout.write(JSON.stringify({ accepted }) + '\\n')).on('close', () => process.exit(0));
`;

export interface LoopbackPorts {
  ports: number[];
  /** Connections the listeners have accepted so far (all of them, since the start). */
  accepted(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLoopbackPorts(count: number): Promise<LoopbackPorts> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=commonjs', '-e', SERVER_SOURCE, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error('the loopback listener process ended early');
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  const { ports } = (await next()) as { ports: number[] };
  return {
    ports,
    async accepted() {
      child.stdin!.write('count\n');
      return (await next()).accepted as number;
    },
    async stop() {
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}
