import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';

/**
 * Replays through the API: the real pipeline in the API process on real Redis, with
 * the real models (2.5 fps to spare the shared CPU), stored and read back.
 */
let api: ApiFixture;

beforeAll(async () => {
  api = await startApiFixture('replays', { overrides: { 'ingest.fps': 2.5 } });
});
afterAll(() => api?.close());

async function finished(id: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.call('GET', `/v1/replays/${id}`, { key: api.keys.analyst });
    if (r.body.status === 'done' || r.body.status === 'failed' || Date.now() > until) return r.body;
    await new Promise((res) => setTimeout(res, 500));
  }
}

describe('/v1/replays', () => {
  it('is for analysts and admins only', async () => {
    expect((await api.call('GET', '/v1/replays', { key: api.keys.operator })).status).toBe(403);
    expect((await api.call('POST', '/v1/replays', { key: api.keys.officer, json: { fixture: 'empty' } })).status).toBe(
      403,
    );
    expect((await api.call('GET', '/v1/replays/fixtures', { key: api.keys.admin })).status).toBe(200);
  });

  it('lists the fixtures with their durations', async () => {
    const r = await api.call('GET', '/v1/replays/fixtures', { key: api.keys.analyst });
    expect(r.body).toContainEqual({
      name: 'enrolled-walk-in',
      durationSec: fixture('enrolled-walk-in').truth().durationSec,
    });
  });

  it('refuses an unknown fixture, a text file sent as a video and a wrong content type, with the reason', async () => {
    const unknown = await api.call('POST', '/v1/replays', { key: api.keys.analyst, json: { fixture: 'nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('no fixture nope');
    const text = await api.call('POST', '/v1/replays', {
      key: api.keys.analyst,
      body: 'not a video at all',
      headers: { 'content-type': 'video/mp4', 'x-file-name': 'notes.mp4' },
    });
    expect(text.status).toBe(400);
    expect(text.body.detail).toMatch(/notes\.mp4: not a video ffmpeg can read/);
    const form = await api.call('POST', '/v1/replays', {
      key: api.keys.analyst,
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(form.status).toBe(415);
    expect((await api.call('GET', '/v1/replays', { key: api.keys.analyst })).body).toEqual([]);
  });

  it('runs a fixture in the background: progress, tracks, alerts tagged with the replay, none delivered to officers', async () => {
    const created = await api.call('POST', '/v1/replays', {
      key: api.keys.analyst,
      json: { fixture: 'enrolled-walk-in' },
    });
    expect(created.status).toBe(202);
    const { id } = created.body;
    const replay = await finished(id, 280_000);
    expect(replay.status).toBe('done');
    expect(replay.createdBy).toContain('analyst');
    expect(replay.progress.frames).toBe(50);
    expect(replay.result.frames).toBe(50);
    expect(replay.result.alerts).toHaveLength(1);
    expect(replay.result.alerts[0]).toMatchObject({ replayId: id, identity: { name: 'subject-a' } });
    expect(replay.result.evaluation.totals.falseAlerts).toBe(0);
    const identified = replay.result.tracks.find((t: { identity: unknown }) => t.identity);
    expect(identified.bestFrameUrl).toBe(`/v1/replays/${id}/tracks/${identified.id}/best-frame`);
    const img = await fetch(api.url + identified.bestFrameUrl, {
      headers: { authorization: `Bearer ${api.keys.analyst}` },
    });
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await img.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // Officers' alert journal never sees a replay's match.
    expect((await api.call('GET', '/v1/alerts', { key: api.keys.admin })).body.items).toEqual([]);
    const list = await api.call('GET', '/v1/replays', { key: api.keys.analyst });
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(list.body[0].result).toBeUndefined();
  }, 300_000);

  it('accepts an uploaded video', async () => {
    const body = readFileSync(fixture('empty').video);
    const created = await api.call('POST', '/v1/replays', {
      key: api.keys.admin,
      body,
      headers: { 'content-type': 'video/mp4', 'x-file-name': 'porch.mp4' },
    });
    expect(created.status).toBe(202);
    const replay = await finished(created.body.id, 280_000);
    expect(replay).toMatchObject({
      status: 'done',
      source: 'porch.mp4',
      result: { frames: Math.ceil(fixture('empty').truth().durationSec * 2.5), alerts: [] },
    });
    expect(replay.result.stoppedEarly).toBeUndefined();
  }, 300_000);
});
