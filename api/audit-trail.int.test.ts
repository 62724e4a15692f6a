import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraStatus } from '../pipeline/events.js';
import { redisKeys } from '../pipeline/redis-keys.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { frameJpeg } from '../test/factories/api.factory.js';
import { until } from '../test/until.js';

interface Entry {
  id: number;
  action: string;
  actorName: string;
  actorKeyId: string | null;
  role: string | null;
  ip: string | null;
  outcome: string;
  targetType: string;
  targetId: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * The audit trail as an admin reads it after representative requests: who (actor, role), from where
 * (address), what and to what, and how it ended; a refusal as much as a success.
 */
describe('audit trail coverage', () => {
  let api: ApiFixture;
  let redis: Redis;
  beforeAll(async () => {
    api = await startApiFixture('audit-trail', { engine: 'sqlite' });
    redis = new Redis(api.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await api?.close();
  });

  const entries = async (q: string): Promise<Entry[]> => (await api.call('GET', `/v1/audit?limit=500&${q}`)).body.items;
  const loopback = /^(::ffff:)?127\.0\.0\.1$/;

  it('records refused attempts (401, 403) with the caller, address and outcome', async () => {
    expect((await api.call('GET', '/v1/perpetrators', { key: null })).status).toBe(401);
    expect((await api.call('GET', '/v1/perpetrators', { key: 'wp_not_a_key' })).status).toBe(401);
    expect((await api.call('GET', '/v1/perpetrators', { key: api.keys.officer })).status).toBe(403);
    expect((await api.call('GET', '/v1/audit?format=csv', { key: api.keys.operator })).status).toBe(403);
    const denied = await entries('action=access.denied');
    const anonymous = denied.filter((e) => e.actorName === 'anonymous');
    expect(anonymous.map((e) => e.detail!.presented).sort()).toEqual(['key', 'nothing']);
    for (const e of anonymous)
      expect(e).toMatchObject({ role: null, outcome: 'denied', targetType: 'route', targetId: 'GET /v1/perpetrators' });
    const officer = denied.find((e) => e.role === 'officer')!;
    expect(officer).toMatchObject({ outcome: 'denied', detail: { status: 403 } });
    expect(officer.actorName).toMatch(/^PC Test/);
    expect(denied.find((e) => e.role === 'operator')).toMatchObject({
      targetId: 'GET /v1/audit',
      detail: { status: 403 },
    });
    for (const e of denied) expect(e.ip).toMatch(loopback);
  });

  it('records key operations, and a key list once per minute of viewing', async () => {
    const made = await api.call('POST', '/v1/keys', { json: { role: 'analyst', name: 'temp' } });
    await api.call('GET', '/v1/keys');
    await api.call('GET', '/v1/keys');
    expect((await api.call('POST', '/v1/alerts/stream-ticket', { key: made.body.key })).status).toBe(200);
    expect((await api.call('DELETE', `/v1/keys/${made.body.id}`)).status).toBe(204);
    expect((await entries(`targetId=${made.body.id}`)).map((e) => e.action).sort()).toEqual([
      'key.create',
      'key.revoke',
    ]);
    expect(await entries('action=key.list')).toHaveLength(1);
    const ticket = (await entries('action=key.ticket.stream'))[0]!;
    expect(ticket).toMatchObject({ actorKeyId: made.body.id, role: 'analyst', outcome: 'ok' });
  });

  it('records alert list reads with their filters, and the stream when it opens and ends, not per event', async () => {
    expect((await api.call('GET', '/v1/alerts?state=new&limit=5', { key: api.keys.operator })).status).toBe(200);
    const [list] = await entries('action=alert.list');
    expect(list).toMatchObject({ role: 'operator', detail: { query: { state: ['new'], limit: 5 } } });

    const ctl = new AbortController();
    const res = await fetch(`${api.url}/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${api.keys.operator}` },
      signal: ctl.signal,
    });
    expect(res.status).toBe(200);
    const [open] = await entries('action=alert.stream.open');
    expect(open).toMatchObject({ role: 'operator', targetType: 'stream', detail: { via: 'key' } });
    ctl.abort();
    await until('the stream end in the audit', async () => (await entries('action=alert.stream.close')).length === 1);
    expect((await entries('action=alert.stream.close'))[0]!.targetId).toBe(open!.targetId);
  });

  it('records live frames once per key, camera and minute', async () => {
    const cam = await api.call('POST', '/v1/cameras', {
      json: { id: 'audit-cam', name: 'Porch', url: 'rtsp://10.0.0.2/s' },
    });
    expect(cam.status, JSON.stringify(cam.body)).toBe(201);
    const keys = redisKeys(api.prefix, api.cfg.detect.partitions);
    const frameKey = keys.frame('audit-cam', 1);
    await redis.set(frameKey, await frameJpeg(), 'PX', 60_000);
    const status: CameraStatus = {
      cameraId: 'audit-cam',
      state: 'streaming',
      lastFrameAt: Date.now(),
      fps: 5,
      framesTotal: 1,
      framesDropped: 0,
      framesCorrupt: 0,
      latestFrameKey: frameKey,
      updatedAt: Date.now(),
    };
    await redis.set(keys.cameraStatus('audit-cam'), JSON.stringify(status));
    for (let i = 0; i < 3; i++)
      expect((await api.call('GET', '/v1/cameras/audit-cam/frame', { key: api.keys.officer })).status).toBe(200);
    expect((await api.call('GET', '/v1/cameras/audit-cam/frame', { key: api.keys.analyst })).status).toBe(200);
    const reads = await entries('action=camera.frame.read&targetId=audit-cam');
    expect(reads.map((e) => e.role).sort()).toEqual(['analyst', 'officer']);
  });

  it('records queue-board writes with their result, and refuses other roles on the record', async () => {
    const path = '/admin/queues/api/queues/identify/clean/completed';
    expect((await api.call('PUT', path)).status).toBe(200);
    expect((await api.call('PUT', path, { key: api.keys.operator })).status).toBe(403);
    await until('the board write in the audit', async () => (await entries('action=queues.write')).length === 1);
    const [write] = await entries('action=queues.write');
    expect(write).toMatchObject({
      role: 'admin',
      targetType: 'queue',
      targetId: 'identify',
      outcome: 'ok',
      detail: { method: 'PUT', status: 200 },
    });
    expect(write!.ip).toMatch(loopback);
    const refused = (await entries('action=access.denied')).find((e) => e.targetId === 'GET /admin/queues');
    expect(refused).toMatchObject({ role: 'operator', detail: { path: '/api/queues/identify/clean/completed' } });
  });

  it('exports the trail as CSV for admins, the export itself recorded, and the chain still verifies', async () => {
    const json = await entries('action=access.denied');
    const res = await fetch(`${api.url}/v1/audit?format=csv&action=access.denied`, {
      headers: { authorization: `Bearer ${api.keys.admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.csv"/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,at,actor,actor_key_id,role,address,action,outcome,target_type,target_id,detail,prev_hash,hash',
    );
    expect(lines).toHaveLength(json.length + 1);
    expect(lines[1]!.startsWith(`${json[0]!.id},`)).toBe(true);
    expect(lines.slice(1).every((l) => l.includes(',access.denied,denied,'))).toBe(true);
    const [exported] = await entries('action=audit.export');
    expect(exported).toMatchObject({ role: 'admin', detail: { filter: { action: 'access.denied' } } });
    expect(await api.server.core.repos.audit.verify()).toMatchObject({ ok: true });
  });
});
