import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../../test/webhook-receiver.js';
import { postWebhook, transportErrorText, webhookDispatcher } from './webhook-transport.js';

/** DNS as a rebinding attacker would set it: one name per answer. */
const answers: Record<string, LookupAddress[]> = {
  'receiver.test': [{ address: '127.0.0.1', family: 4 }],
  'rebound.test': [{ address: '169.254.169.254', family: 4 }],
  'mixed.test': [
    { address: '127.0.0.1', family: 4 },
    { address: 'fe80::1', family: 6 },
  ],
};
const dns = webhookDispatcher((host, _opts, cb) => {
  const a = answers[host];
  if (a) cb(null, a);
  else cb(Object.assign(new Error(`no such host ${host}`), { code: 'ENOTFOUND' }), []);
});

let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

const send = (host: string) =>
  postWebhook(receiver.url.replace('127.0.0.1', host), { body: `{"to":"${host}"}` }, dns).then((r) => r.status);

describe('webhook connections', () => {
  it('reach a name that resolves to an ordinary address', async () => {
    expect(await send('receiver.test')).toBe(204);
    expect(receiver.received.map((w) => w.body)).toEqual(['{"to":"receiver.test"}']);
  });

  it('refuse a name that resolves to a link-local metadata address, even among others, and send nothing', async () => {
    for (const host of ['rebound.test', 'mixed.test']) {
      const err = await send(host).then(() => null, transportErrorText);
      expect(err, host).toMatch(/link-local address .* refused/);
    }
    expect(receiver.received).toHaveLength(1);
  });
});
