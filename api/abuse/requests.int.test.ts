import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { caseInput } from '../../test/factories/api.factory.js';

/** What an attacker sends: unsafe targets, wrong media types, bodies that are not what they claim. */
let api: ApiFixture;
let caseId: string;

beforeAll(async () => {
  api = await startApiFixture('abuse-requests');
  caseId = (await api.call('POST', '/v1/cases', { json: caseInput() })).body.id;
});
afterAll(() => api?.close());

/** An answer must never show where the server keeps files, nor a stack trace. */
const leaks = (body: unknown) => {
  const text = JSON.stringify(body);
  return /(^|[^\w.:/])\/(tmp|home|root|usr|etc|var|opt|work|proc)\//.test(text) || /\bat .+\.[tj]s:\d+/.test(text);
};

describe('unsafe targets', () => {
  it('refuses a local file or a foreign scheme as a camera, and keeps nothing', async () => {
    for (const url of ['/etc/passwd', 'file:///etc/passwd', 'concat:/etc/passwd|/etc/hosts', 'rtsp://cam/s\n-f']) {
      const r = await api.call('POST', '/v1/cameras', { json: { id: 'evil', name: 'x', url, caseId } });
      expect(r.status, url).toBe(400);
      expect(r.body.errors[0].path).toBe('body.url');
    }
    expect((await api.call('GET', '/v1/cameras/evil')).status).toBe(404);
    const ok = await api.call('POST', '/v1/cameras', { json: { id: 'good', name: 'x', url: 'rtsps://10.0.0.9/s' } });
    expect(ok.status).toBe(201);
    const patched = await api.call('PATCH', '/v1/cameras/good', { json: { url: '/etc/shadow' } });
    expect(patched.status).toBe(400);
    expect((await api.call('GET', '/v1/cameras/good')).body.url).toBe('rtsps://10.0.0.9/s');
  });

  it('refuses plain-http and metadata webhooks', async () => {
    for (const webhookUrl of [
      'http://hooks.example.org/x',
      'https://169.254.169.254/latest/meta-data/iam',
      'https://[fe80::1]/x',
      'https://metadata.google.internal/',
    ]) {
      const r = await api.call('POST', '/v1/officers', {
        json: { name: 'PC X', badge: `b-${webhookUrl.length}`, district: 'n', webhookUrl },
      });
      expect(r.status, webhookUrl).toBe(400);
      expect(r.body.errors[0].path).toBe('body.webhookUrl');
    }
    const ok = await api.call('POST', '/v1/officers', {
      json: { name: 'PC Y', badge: 'b-ok', district: 'n', webhookUrl: 'https://hooks.example.org/y' },
    });
    expect(ok.status).toBe(201);
    const r = await api.call('PATCH', `/v1/officers/${ok.body.id}`, { json: { webhookUrl: 'http://10.0.0.1/' } });
    expect(r.status).toBe(400);
  });

  it('accepts files and plain http where the configuration allows them', async () => {
    const lab = await startApiFixture('abuse-lab', {
      overrides: { 'ingest.allowFileSources': true, 'alerts.allowInsecureWebhooks': true },
    });
    try {
      expect((await lab.call('POST', '/v1/cameras', { json: { name: 'clip', url: '/srv/clip.mp4' } })).status).toBe(
        201,
      );
      const o = await lab.call('POST', '/v1/officers', {
        json: { name: 'PC Z', badge: 'b-lab', district: 'n', webhookUrl: 'http://127.0.0.1:9/x' },
      });
      expect(o.status).toBe(201);
      const meta = await lab.call('POST', '/v1/officers', {
        json: { name: 'PC M', badge: 'b-meta', district: 'n', webhookUrl: 'http://169.254.169.254/' },
      });
      expect(meta.status).toBe(400);
    } finally {
      await lab.close();
    }
  });
});

describe('bodies that are not what the route takes', () => {
  it('answers 415 to JSON sent as text/plain or without a type, and changes nothing', async () => {
    const before = (await api.call('GET', '/v1/cases')).body.items.length;
    const body = JSON.stringify(caseInput());
    for (const headers of [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      {},
    ] as Record<string, string>[]) {
      const r = await api.call('POST', '/v1/cases', { body, headers });
      expect(r.status, JSON.stringify(headers)).toBe(415);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await api.call('GET', '/v1/cases')).body.items.length).toBe(before);
    expect(
      (await api.call('POST', '/v1/cases', { body, headers: { 'content-type': 'application/json; charset=utf-8' } }))
        .status,
    ).toBe(201);
  });

  it('answers malformed, deeply nested and wrongly typed JSON with 400', async () => {
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (const body of ['{"victimRef":', nested, '"a string"', 'null', '{"__proto__":{"admin":true}}']) {
      const r = await api.call('POST', '/v1/cases', { body, headers: { 'content-type': 'application/json' } });
      expect(r.status, body.slice(0, 20)).toBe(400);
      expect(leaks(r.body)).toBe(false);
    }
  });

  it('shows no server path when an upload is not a video', async () => {
    const r = await api.call('POST', '/v1/replays', {
      key: api.keys.analyst,
      body: new Uint8Array(4096).fill(7),
      headers: { 'content-type': 'video/mp4', 'x-file-name': '../../etc/passwd' },
    });
    expect(r.status).toBe(400);
    expect(leaks(r.body), r.body.detail).toBe(false);
  });

  it('answers path tricks with 404 or 400, never a file', async () => {
    for (const path of [
      '/v1/cases/..%2f..%2fetc%2fpasswd',
      '/v1/alerts/%2e%2e/%2e%2e/etc/passwd',
      '/v1/perpetrators/x/photos/..%2F..%2F..%2Fwatchpost.db',
      '/v1/replays/..%2F..%2F/tracks/1/best-frame',
      '/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const r = await api.call('GET', path);
      expect([400, 404], path).toContain(r.status);
      expect(String(JSON.stringify(r.body))).not.toMatch(/root:/);
      expect(leaks(r.body), path).toBe(false);
    }
    expect((await api.call('GET', '/healthz', { key: null })).status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('covers every route the server answers, the system routes and the queue board included', async () => {
    const doc = (await api.call('GET', '/v1/openapi.json', { key: null })).body;
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m} ${p}`),
      ),
    );
    const missing = api.server.routes
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
      .filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
    for (const p of ['/v1/me', '/healthz', '/readyz', '/metrics', '/admin/queues'])
      expect(Object.keys(doc.paths), p).toContain(p);
    expect(doc.paths['/v1/cases'].post.responses['415']).toBeTruthy();
  });
});
