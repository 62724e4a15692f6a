import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { caseInput } from '../../test/factories/api.factory.js';
import { ROLES } from '../../audit/audit-context.js';

let api: ApiFixture;
let sosToken: string;
let caseId: string;

beforeAll(async () => {
  api = await startApiFixture('matrix');
  const created = (await api.call('POST', '/v1/cases', { json: caseInput() })).body;
  sosToken = created.sosToken;
  caseId = created.id;
});
afterAll(() => api?.close());

/** Request a route with placeholder ids; for the SSE route, only the status line is read. */
async function hit(method: string, path: string, key: string | null): Promise<number> {
  const url = api.url + path.replace(/:[A-Za-z]+/g, 'no-such-id');
  const ctrl = new AbortController();
  const res = await fetch(url, {
    method: method.toUpperCase(),
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
    body: method === 'get' || method === 'delete' ? undefined : '{}',
    signal: ctrl.signal,
  });
  const status = res.status;
  ctrl.abort();
  await res.body?.cancel().catch(() => {});
  return status;
}

describe('route x role matrix', () => {
  it('covers every resource the clients rely on', () => {
    const paths = new Set(api.server.routes.map((r) => r.path));
    for (const p of [
      '/v1/perpetrators',
      '/v1/cases',
      '/v1/cameras',
      '/v1/officers',
      '/v1/alerts',
      '/v1/alerts/stream',
      '/v1/audit',
      '/v1/openapi.json',
      '/healthz',
      '/readyz',
      '/metrics',
    ])
      expect(paths, p).toContain(p);
  });

  it('answers 401 without a key, 403 for a role not allowed, and lets allowed roles through', async () => {
    const failures: string[] = [];
    for (const route of api.server.routes) {
      const label = `${route.method.toUpperCase()} ${route.path}`;
      if (route.roles === 'public') {
        const s = await hit(route.method, route.path, null);
        if (s === 401 || s === 403) failures.push(`${label}: public route answered ${s}`);
        continue;
      }
      const anon = await hit(route.method, route.path, null);
      if (anon !== 401) failures.push(`${label}: no key -> ${anon}, expected 401`);
      const bad = await hit(route.method, route.path, 'wp_not-a-real-key');
      if (bad !== 401) failures.push(`${label}: invalid key -> ${bad}, expected 401`);
      for (const role of ROLES) {
        const s = await hit(route.method, route.path, api.keys[role]);
        const allowed = route.roles.includes(role);
        if (allowed && (s === 401 || s === 403)) failures.push(`${label}: ${role} is allowed but got ${s}`);
        if (!allowed && s !== 403) failures.push(`${label}: ${role} is not allowed but got ${s}`);
      }
      // A case's SOS token opens only that case's SOS route; anywhere else it is no key at all.
      const sos = await hit(route.method, route.sosToken ? route.path.replace(':id', caseId) : route.path, sosToken);
      if (route.sosToken ? sos !== 201 : sos !== 401) failures.push(`${label}: SOS token -> ${sos}`);
      if (route.sosToken) {
        const other = await hit(route.method, route.path, sosToken);
        if (other !== 403) failures.push(`${label}: SOS token of another case -> ${other}, expected 403`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a revoked and an expired admin key with 401 on every route that takes a key', async () => {
    const mint = async (extra: Record<string, unknown>) =>
      (await api.call('POST', '/v1/keys', { json: { role: 'admin', name: `gone-${Math.random()}`, ...extra } }))
        .body as { id: string; key: string };
    const revoked = await mint({});
    const expiring = await mint({ expiresAt: Date.now() + 1500 });
    expect((await api.call('GET', '/v1/me', { key: revoked.key })).status).toBe(200);
    expect((await api.call('DELETE', `/v1/keys/${revoked.id}`)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1600));
    const failures: string[] = [];
    for (const route of api.server.routes.filter((r) => r.roles !== 'public')) {
      for (const [which, k] of [
        ['revoked', revoked.key],
        ['expired', expiring.key],
      ] as const) {
        const s = await hit(route.method, route.path, k);
        if (s !== 401) failures.push(`${route.method.toUpperCase()} ${route.path}: ${which} key -> ${s}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('keeps the admin-only routes admin-only', () => {
    const audit = api.server.routes.find((r) => r.path === '/v1/audit')!;
    expect(audit.roles).toEqual(['admin']);
  });
});

describe('request hygiene', () => {
  it('answers malformed JSON with 400 problem+json', async () => {
    const r = await api.call('POST', '/v1/cases', {
      body: '{"victimRef": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.detail).toMatch(/not valid JSON/);
  });

  it('answers a body over the limit with 413, and a photo over its limit too', async () => {
    const big = JSON.stringify({ victimRef: 'x'.repeat(2 * 1024 * 1024) });
    const r = await api.call('POST', '/v1/cases', { body: big, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.body.title).toBe('Content Too Large');
    const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Big Photo' } });
    const photo = await api.call('POST', `/v1/perpetrators/${p.body.id}/photos`, {
      body: new Uint8Array(16 * 1024 * 1024),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(photo.status).toBe(413);
  });

  it('names the invalid fields in a 400', async () => {
    const r = await api.call('POST', '/v1/cases', {
      json: { ...caseInput(), riskLevel: 'extreme', windowEnd: 'soon' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.riskLevel', 'body.windowEnd']),
    );
  });

  it('sends security headers and no framework fingerprint or stack traces', async () => {
    const r = await api.call('GET', '/v1/alerts?cursor=%%%');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toBeTruthy();
    expect(r.headers.get('x-powered-by')).toBeNull();
    const unknown = await api.call('GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses non-images by content, whatever the content type says', async () => {
    const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Sniff Test' } });
    const r = await api.call('POST', `/v1/perpetrators/${p.body.id}/photos`, {
      body: 'GIF89a? no: just text pretending',
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(r.status).toBe(415);
    expect(r.body.reason).toBe('not_an_image');
  });

  it('serves a valid OpenAPI 3.1 document generated from the route list', async () => {
    const r = await api.call('GET', '/v1/openapi.json', { key: null });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining(['/v1/alerts/{id}/acknowledge', '/v1/cases/{id}/on-duty', '/v1/alerts/stream']),
    );
    expect(r.body.components.schemas.Alert).toBeTruthy();
    expect(r.body.paths['/v1/audit'].get.responses['403']).toBeTruthy();
  });
});
