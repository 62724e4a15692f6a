import { createServer } from 'node:http';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../alerting/delivery/webhook-signature.js';

export interface WebhookReceiver {
  url: string;
  setSecret(secret: string): void;
  close(): Promise<void>;
}

/** Stands in for the on-duty officer's phone: receives alert webhooks and checks their signature. */
export async function startWebhookReceiver(
  onDelivery: (event: { verified: boolean; body: Record<string, unknown> }) => void,
): Promise<WebhookReceiver> {
  let secret = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(req.headers[name.toLowerCase()] ?? '');
      const verified = verifyWebhook(
        secret,
        { timestamp: header(WEBHOOK_HEADERS.timestamp), signature: header(WEBHOOK_HEADERS.signature) },
        raw,
      );
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        /* reported as unverified below */
      }
      onDelivery({ verified, body });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/watchpost`,
    setSecret: (s) => (secret = s),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
