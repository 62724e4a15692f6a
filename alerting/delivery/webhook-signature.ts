import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signing, documented for receivers:
 *   X-Watchpost-Timestamp: unix seconds when the request was signed
 *   X-Watchpost-Signature: sha256=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 * A receiver recomputes the HMAC over the raw body and rejects stale timestamps (replays).
 */
export const WEBHOOK_HEADERS = {
  event: 'x-watchpost-event',
  delivery: 'x-watchpost-delivery',
  timestamp: 'x-watchpost-timestamp',
  signature: 'x-watchpost-signature',
} as const;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): true when the signature matches and the timestamp is within `toleranceS`. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string; signature: string },
  body: string,
  toleranceS = 300,
  nowS = Date.now() / 1000,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowS - ts) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
