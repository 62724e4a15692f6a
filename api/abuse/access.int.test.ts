import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { caseInput } from '../../test/factories/api.factory.js';
import { until } from '../../test/until.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../key-store.js';

/** Access that ends: revoked and expired keys lose their requests, open streams and tickets. */
let api: ApiFixture;
let caseId: string;
let sosToken: string;

beforeAll(async () => {
  api = await startApiFixture('abuse-access');
  const c = await api.call('POST', '/v1/cases', { json: caseInput() });
  caseId = c.body.id;
  sosToken = c.body.sosToken;
});
afterAll(() => api?.close());

/** An SSE stream read raw: its text, and when the server ended it. */
async function stream(auth: { key?: string; ticket?: string }) {
  const ctrl = new AbortController();
  const q = auth.ticket ? `?ticket=${encodeURIComponent(auth.ticket)}` : '';
  const res = await fetch(`${api.url}/v1/alerts/stream${q}`, {
    headers: auth.key ? { authorization: `Bearer ${auth.key}` } : {},
    signal: ctrl.signal,
  });
  const s = { status: res.status, text: '', endedAt: null as number | null, close: () => ctrl.abort() };
  if (res.status !== 200) return s;
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) s.text += decoder.decode(chunk);
      s.endedAt = Date.now();
    } catch {
      // aborted by the test
    }
  })();
  await until('the stream greeting', () => s.text.includes('connected'), 5000);
  return s;
}

const raiseSos = async () => {
  const r = await api.call('POST', `/v1/cases/${caseId}/sos`, { key: sosToken, json: {} });
  expect(r.status).toBe(201);
  return r.body.alert.id as string;
};

const newKey = async (role = 'operator', extra: Record<string, unknown> = {}) => {
  const r = await api.call('POST', '/v1/keys', { json: { role, name: `k-${Math.random()}`, ...extra } });
  expect(r.status).toBe(201);
  return r.body as { id: string; key: string; expiresAt: number | null };
};

describe('revoking a key', () => {
  it('closes its open streams within a second, voids its tickets, and leaves other streams alone', async () => {
    const doomed = await newKey();
    const other = await newKey();
    const ticket = (await api.call('POST', '/v1/alerts/stream-ticket', { key: doomed.key })).body.ticket;
    const byKey = await stream({ key: doomed.key });
    const byTicket = await stream({ ticket });
    const survivor = await stream({ key: other.key });

    const revokedAt = Date.now();
    expect((await api.call('DELETE', `/v1/keys/${doomed.id}`)).status).toBe(204);
    await until('the revoked key streams to end', () => byKey.endedAt && byTicket.endedAt, 2000);
    expect(byKey.endedAt! - revokedAt).toBeLessThan(1000);
    expect(byTicket.endedAt! - revokedAt).toBeLessThan(1000);
    expect(byKey.text).toContain('event: access.ended');

    // A ticket minted before the revocation no longer opens a stream, nor does the key.
    expect((await stream({ ticket })).status).toBe(401);
    expect((await stream({ key: doomed.key })).status).toBe(401);
    expect((await api.call('GET', '/v1/alerts', { key: doomed.key })).status).toBe(401);

    const alertId = await raiseSos();
    await until('the other stream to get the new alert', () => survivor.text.includes(alertId), 5000);
    expect(byKey.text).not.toContain(alertId);
    expect(survivor.endedAt).toBeNull();
    survivor.close();
    const revoke = (await api.call('GET', `/v1/audit?action=key.revoke&targetId=${doomed.id}`)).body.items[0];
    expect(revoke.detail.streamsEnded).toBe(2);
  });

  it('ends streams even when the key is revoked outside this process (the CLI)', async () => {
    const k = await createApiKey(api.cfg, 'analyst', 'cli-made');
    const s = await stream({ key: k.key });
    const revokedAt = Date.now();
    expect(await revokeApiKey(api.cfg, k.id)).toBe(true);
    await until('the stream to end', () => s.endedAt, 3000);
    expect(s.endedAt! - revokedAt).toBeLessThan(1000 + 500);
    expect((await api.call('GET', '/v1/me', { key: k.key })).status).toBe(401);
    // Both CLI operations are in the audit, naming the command line as the way in.
    const actions = (await api.call('GET', `/v1/audit?targetId=${k.id}`)).body.items.map(
      (e: { action: string; detail: { via?: string } }) => `${e.action}:${e.detail.via}`,
    );
    expect(actions.sort()).toEqual(['key.create:cli', 'key.revoke:cli']);
  });
});

describe('keys that expire', () => {
  it('accept a lifetime or an end, refuse nonsense, and are listed with it', async () => {
    const k = await newKey('analyst', { expiresIn: '90d' });
    expect(k.expiresAt! - Date.now()).toBeGreaterThan(90 * 86_400_000 - 60_000);
    expect(k.expiresAt! - Date.now()).toBeLessThanOrEqual(90 * 86_400_000);
    for (const bad of [
      { expiresIn: '90x' },
      { expiresIn: '-1d' },
      { expiresAt: Date.now() - 1000 },
      { expiresIn: '1d', expiresAt: Date.now() + 5000 },
    ]) {
      const r = await api.call('POST', '/v1/keys', { json: { role: 'analyst', name: 'bad', ...bad } });
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    const listed = (await api.call('GET', '/v1/keys')).body.items.find((x: { id: string }) => x.id === k.id);
    expect(listed.expiresAt).toBe(k.expiresAt);
  });

  it('stop working at their expiry, streams and tickets included', async () => {
    const k = await newKey('officer', { expiresAt: Date.now() + 2500, officerId: api.officerId });
    expect((await api.call('GET', '/v1/me', { key: k.key })).status).toBe(200);
    const ticket = (await api.call('POST', '/v1/alerts/stream-ticket', { key: k.key })).body.ticket;
    const s = await stream({ key: k.key });
    await until('the stream to end at expiry', () => s.endedAt, 5000);
    expect(s.endedAt! - k.expiresAt!).toBeLessThan(1000);
    expect((await api.call('GET', '/v1/me', { key: k.key })).status).toBe(401);
    expect((await stream({ ticket })).status).toBe(401);
  });

  it('show when they were last used', async () => {
    const k = await newKey('analyst');
    const before = (await listApiKeys(api.cfg)).find((x) => x.id === k.id)!;
    expect(before.lastUsedAt).toBeNull();
    const t = Date.now();
    expect((await api.call('GET', '/v1/me', { key: k.key })).status).toBe(200);
    const after = (await listApiKeys(api.cfg)).find((x) => x.id === k.id)!;
    expect(after.lastUsedAt).toBeGreaterThanOrEqual(t);
  });
});
