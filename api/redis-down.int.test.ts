import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '../runtime/embedded-redis.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput } from '../test/factories/api.factory.js';

let redis: EmbeddedRedis;
let api: ApiFixture;
let caseId: string;
let sosToken: string;

beforeAll(async () => {
  redis = await startEmbeddedRedis();
  api = await startApiFixture('redis-down', { redisUrl: redis.url, alertsWorker: {} });
  const c = await api.call('POST', '/v1/cases', { json: caseInput() });
  caseId = c.body.id;
  sosToken = c.body.sosToken;
  expect(
    (
      await api.call('POST', '/v1/cameras', {
        json: { id: 'cam-rd', name: 'Door', url: 'rtsp://u:p@10.0.0.9/s', caseId },
      })
    ).status,
  ).toBe(201);
  await redis.stop();
  // Wait until the fail-fast connection has noticed.
  const deadline = Date.now() + 10_000;
  while ((await api.call('GET', '/readyz', { key: null })).status !== 503 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
});
afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('with Redis down', () => {
  it('reports not ready, naming Redis', async () => {
    const r = await api.call('GET', '/readyz', { key: null });
    expect(r.status).toBe(503);
    expect(r.body.checks).toEqual({ database: true, redis: false });
    expect((await api.call('GET', '/healthz', { key: null })).status).toBe(200);
  });

  it('keeps serving reads', async () => {
    for (const path of [
      '/v1/alerts',
      '/v1/cases',
      `/v1/cases/${caseId}`,
      '/v1/officers',
      '/v1/perpetrators',
      '/v1/audit',
    ]) {
      expect((await api.call('GET', path)).status, path).toBe(200);
    }
    const cams = await api.call('GET', '/v1/cameras');
    expect(cams.status).toBe(200);
    expect(cams.body.items[0].status.state).toBe('unknown');
  });

  it('answers 503 for writes that need Redis, without changing anything', async () => {
    const r = await api.call('POST', '/v1/cameras', {
      json: { id: 'cam-new', name: 'New', url: 'rtsp://10.0.0.10/s' },
    });
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await api.call('GET', '/v1/cameras/cam-new')).status).toBe(404);
    expect((await api.call('POST', '/v1/cases', { json: caseInput() })).status).toBe(503);
  });

  it('still records a victim SOS (delivery follows when Redis is back)', async () => {
    const r = await api.call('POST', `/v1/cases/${caseId}/sos`, { key: sosToken, json: {} });
    expect(r.status).toBe(201);
    expect((await api.call('GET', `/v1/alerts/${r.body.alert.id}`)).body.kind).toBe('sos');
  });
});
