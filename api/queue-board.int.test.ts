import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';

/** bull-board in a browser tab: the dashboard trades the admin's key for a cookie scoped to the board. */
describe('queue board session', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApiFixture('queue-board', { engine: 'sqlite' });
  });
  afterAll(() => api.close());

  const board = (cookie?: string) => api.call('GET', '/admin/queues', { key: null, headers: cookie ? { cookie } : {} });
  const sessionCookie = async (key: string) => {
    const res = await api.call('POST', '/v1/admin/queues/session', { key });
    return { res, cookie: res.headers.get('set-cookie') };
  };

  it('opens the board with the cookie only an admin gets, scoped, HttpOnly and SameSite=Strict', async () => {
    expect((await board()).status).toBe(401);
    const { res, cookie } = await sessionCookie(api.keys.admin);
    expect(res.status).toBe(200);
    expect(res.body.url).toBe('/admin/queues');
    expect(res.body.expiresAt).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(cookie).toMatch(/^wp_board=[^;]+;/);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await board(cookie!.split(';')[0]);
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<html');
    const audit = await api.call('GET', '/v1/audit?limit=5');
    expect(audit.body.items.map((r: { action: string }) => r.action)).toContain('queues.session');
  });

  it('refuses other roles, forged or stream tickets, and sessions of a revoked key', async () => {
    expect((await sessionCookie(api.keys.operator)).res.status).toBe(403);
    const { cookie } = await sessionCookie(api.keys.admin);
    const value = cookie!.split(';')[0]!.slice('wp_board='.length);
    const [body, sig] = value.split('.');
    expect((await board(`wp_board=${body}.${sig!.slice(0, -2)}xx`)).status).toBe(401);
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), e: Date.now() + 1e9 }),
    ).toString('base64url');
    expect((await board(`wp_board=${forged}.${sig}`)).status).toBe(401);
    // An SSE stream ticket of the same admin is signed alike but is not a board session.
    const ticket = await api.call('POST', '/v1/alerts/stream-ticket');
    expect(ticket.status).toBe(200);
    expect((await board(`wp_board=${ticket.body.ticket}`)).status).toBe(401);
    // Revoking the key ends its board sessions at once.
    const created = await api.call('POST', '/v1/keys', { json: { role: 'admin', name: 'temp admin' } });
    const temp = await sessionCookie(created.body.key);
    expect((await board(temp.cookie!.split(';')[0])).status).toBe(200);
    expect((await api.call('DELETE', `/v1/keys/${created.body.id}`)).status).toBe(204);
    expect((await board(temp.cookie!.split(';')[0])).status).toBe(401);
  });
});
