import { connect } from 'node:net';

const METADATA_API = 3;
/** v1: the first version where a null topic list means "all" and brokers are listed. */
const METADATA_VERSION = 1;
const CORRELATION_ID = 0x7077;

/**
 * True once the broker answers a Metadata request and lists at least one broker.
 * The port accepts connections early, but a KRaft broker only starts processing requests
 * after the controller has unfenced it, so an answer means topics can be created.
 */
export function kafkaBrokerReady(host: string, port: number, timeoutMs = 3_000): Promise<boolean> {
  const clientId = Buffer.from('pipewatch-probe');
  const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + 4);
  let offset = request.writeInt32BE(request.length - 4, 0);
  offset = request.writeInt16BE(METADATA_API, offset);
  offset = request.writeInt16BE(METADATA_VERSION, offset);
  offset = request.writeInt32BE(CORRELATION_ID, offset);
  offset = request.writeInt16BE(clientId.length, offset);
  offset += clientId.copy(request, offset);
  request.writeInt32BE(-1, offset); // topics: null = all

  return new Promise((resolve) => {
    let settled = false;
    let received = Buffer.alloc(0);
    const socket = connect({ host, port });
    const finish = (ready: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ready);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // Response: int32 size, int32 correlation id, then the brokers array's int32 count.
      if (received.length < 12 || received.length < 4 + received.readInt32BE(0)) return;
      finish(received.readInt32BE(4) === CORRELATION_ID && received.readInt32BE(8) > 0);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
