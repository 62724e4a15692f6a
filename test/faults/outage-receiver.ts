import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../../runtime/embedded-redis.js';

/** One webhook as the officer's phone got it. */
export interface Received {
  at: number;
  event: string;
  deliveryId: string;
  alert: { id: string; kind: string; cameraId: string | null; firstSeen: number };
}

export interface OutageReceiver {
  url: string;
  readonly received: Received[];
  /** Goes away (connections refused) until `back()`. */
  down(): Promise<void>;
  back(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A webhook receiver on a fixed port that can go away and come back on the same
 * address, like a phone out of coverage: while it is down a connection is refused.
 */
export async function startOutageReceiver(): Promise<OutageReceiver> {
  const port = await freePort();
  const received: Received[] = [];
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  const listen = async () => {
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { event: string; deliveryId: string; alert: Received['alert'] };
        received.push({ at: Date.now(), event: parsed.event, deliveryId: parsed.deliveryId, alert: parsed.alert });
        res.writeHead(204).end();
      });
    });
    s.on('connection', (sock: Socket) => {
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = null;
    if (!s) return;
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return { url: `http://127.0.0.1:${port}`, received, down: stop, back: listen, close: stop };
}
