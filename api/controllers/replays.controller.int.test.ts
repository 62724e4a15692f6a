import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, galleryDir } from '../../fixtures/index.js';
import type { ReplayResult } from '../../pipeline/replay.js';
import { replaysRoot } from '../../storage/repositories/replay.repository.js';
import { WorkerProcess } from '../../test/e2e/worker-process.js';
import type { ReplayResultDto } from '../dto/replay.dto.js';
import { TEST_MODELS_DIR, startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { caseInput } from '../../test/factories/api.factory.js';

/**
 * Replays end to end: the API (in this process) checks the request, resolves who to
 * watch for and queues the job; `watchpost worker replay` (its own process, the real
 * models on real Redis) runs it; the API records progress and the timeline. Each
 * timeline must be the one `watchpost replay` prints for the same footage and
 * gallery or case. Sampled at 2.5 fps to spare the shared CPU.
 */
const run = promisify(execFile);
const FPS = '2.5';
let api: ApiFixture;
let worker: WorkerProcess;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startApiFixture('replays', { overrides: { 'ingest.fps': Number(FPS) } });
  env = {
    REDIS_URL: api.redisUrl,
    WATCHPOST_REDIS_PREFIX: api.prefix,
    WATCHPOST_DATA_DIR: api.cfg.dataDir,
    WATCHPOST__INGEST__FPS: FPS,
    WATCHPOST__MODELS__CACHE_DIR: TEST_MODELS_DIR,
    WATCHPOST__MODELS__INSTANCES: '1',
  };
  worker = new WorkerProcess('replay', env);
  await worker.ready(240_000);
}, 300_000);
afterAll(async () => {
  await worker?.stop();
  await api?.close();
});

async function finished(id: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  const seen = new Set<string>();
  for (;;) {
    const r = await api.call('GET', `/v1/replays/${id}`, { key: api.keys.analyst });
    seen.add(r.body.status);
    if (r.body.status === 'done' || r.body.status === 'failed' || Date.now() > until) return { ...r.body, seen };
    await new Promise((res) => setTimeout(res, 300));
  }
}

/** `watchpost replay` on the same footage, with the same settings, as JSON. */
async function cliTimeline(video: string, watch: string[]): Promise<ReplayResult> {
  const out = join(api.cfg.dataDir, `cli-${Date.now()}.json`);
  await run(process.execPath, ['bin/watchpost.js', 'replay', video, ...watch, '--json', out], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    timeout: 280_000,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as ReplayResult;
}

/** What the API keeps of a timeline, from the CLI's JSON. */
const asRecorded = (r: ReplayResult) => ({
  frames: r.frames,
  tracks: r.tracks.map((t) => ({ id: String(t.id), identity: t.identity, start: t.start, end: t.end })),
  alerts: r.alerts.map((a) => ({
    identity: a.identity,
    t: a.t,
    distance: a.distance,
    track: a.track === null ? null : String(a.track),
  })),
});
const recorded = (replay: { result: ReplayResultDto }) => ({
  frames: replay.result.frames,
  tracks: replay.result.tracks.map(({ bestFrameUrl: _b, ...t }) => t),
  alerts: replay.result.alerts.map(({ replayId: _r, ...a }) => a),
});

/** Native libraries this process has mapped: the API must never have loaded onnxruntime for a replay. */
const onnxruntimeLoaded = () => readFileSync('/proc/self/maps', 'utf8').includes('onnxruntime');

describe('/v1/replays with a replay worker', () => {
  it('is for analysts and admins only', async () => {
    expect((await api.call('GET', '/v1/replays', { key: api.keys.operator })).status).toBe(403);
    expect((await api.call('POST', '/v1/replays', { key: api.keys.officer, json: { fixture: 'empty' } })).status).toBe(
      403,
    );
    expect((await api.call('GET', '/v1/replays/fixtures', { key: api.keys.admin })).status).toBe(200);
  });

  it('lists the fixtures the replay worker advertises, with their durations', async () => {
    const r = await api.call('GET', '/v1/replays/fixtures', { key: api.keys.analyst });
    expect(r.body).toContainEqual({
      name: 'enrolled-walk-in',
      durationSec: fixture('enrolled-walk-in').truth().durationSec,
    });
  });

  it('refuses an unknown fixture or case, a text file sent as a video and a wrong content type, with the reason', async () => {
    const unknown = await api.call('POST', '/v1/replays', { key: api.keys.analyst, json: { fixture: 'nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('no fixture nope');
    const noCase = await api.call('POST', '/v1/replays', {
      key: api.keys.analyst,
      json: { fixture: 'empty', case: 'no-such-case' },
    });
    expect(noCase.status).toBe(400);
    expect(noCase.body.detail).toContain('no protection case no-such-case');
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

  it('runs a fixture on the worker: progress, the timeline `watchpost replay` gives, alerts never delivered', async () => {
    const created = await api.call('POST', '/v1/replays', {
      key: api.keys.analyst,
      json: { fixture: 'enrolled-walk-in' },
    });
    expect(created.status).toBe(202);
    const { id } = created.body;
    const [replay, cli] = await Promise.all([
      finished(id, 280_000),
      cliTimeline(fixture('enrolled-walk-in').video, ['--gallery', galleryDir]),
    ]);
    expect(replay.status, replay.error).toBe('done');
    expect(replay.seen).toContain('running');
    expect(replay.createdBy).toContain('analyst');
    expect(replay.watchlist).toBe('gallery of fixture enrolled-walk-in');
    expect(replay.progress.frames).toBe(50);
    expect(replay.result.alerts).toHaveLength(1);
    expect(replay.result.alerts[0]).toMatchObject({ replayId: id, identity: { name: 'subject-a' } });
    expect(replay.result.evaluation.totals.falseAlerts).toBe(0);
    expect(recorded(replay)).toEqual(asRecorded(cli));
    const identified = replay.result.tracks.find((t: { identity: unknown }) => t.identity);
    expect(identified.bestFrameUrl).toBe(`/v1/replays/${id}/tracks/${identified.id}/best-frame`);
    const img = await fetch(api.url + identified.bestFrameUrl, {
      headers: { authorization: `Bearer ${api.keys.analyst}` },
    });
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await img.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // Best frames show whoever walked past: the service's user only.
    const frameFile = join(replaysRoot(api.cfg.dataDir), id, `track-${identified.id}.jpg`);
    expect(statSync(frameFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(replaysRoot(api.cfg.dataDir), id)).mode & 0o777).toBe(0o700);
    // Officers' alert journal never sees a replay's match.
    expect((await api.call('GET', '/v1/alerts', { key: api.keys.admin })).body.items).toEqual([]);
    const list = await api.call('GET', '/v1/replays', { key: api.keys.analyst });
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(list.body[0].result).toBeUndefined();
  }, 300_000);

  it('replays an upload against every enrolled perpetrator (none yet), and deletes the upload', async () => {
    const body = readFileSync(fixture('empty').video);
    const created = await api.call('POST', '/v1/replays', {
      key: api.keys.admin,
      body,
      headers: { 'content-type': 'video/mp4', 'x-file-name': 'porch.mp4' },
    });
    expect(created.status).toBe(202);
    const replay = await finished(created.body.id, 280_000);
    expect(replay.status, replay.error).toBe('done');
    expect(replay).toMatchObject({
      source: 'porch.mp4',
      watchlist: 'every enrolled perpetrator',
      caseId: null,
      result: { frames: Math.ceil(fixture('empty').truth().durationSec * 2.5), alerts: [] },
    });
    expect(replay.result.stoppedEarly).toBeUndefined();
    const row = await api.server.core.repos.replays.get(created.body.id);
    expect(() => readFileSync(row!.uploadPath!)).toThrow(/ENOENT/);
  }, 300_000);

  it('has loaded no model in the API process for any of these replays', () => {
    expect(onnxruntimeLoaded()).toBe(false);
  });

  it("replays an upload against a case's perpetrators, resolved by the API: the timeline of `watchpost replay --case`", async () => {
    // Enrolment is the API's one use of the face chain (this loads it here, after the replays above).
    const perpetrator = (await api.call('POST', '/v1/perpetrators', { json: { name: 'Subject A' } })).body.id;
    const photo = readFileSync(join(galleryDir, 'subject-a', 'group-photo.jpg'));
    const enrolled = await api.call('POST', `/v1/perpetrators/${perpetrator}/photos`, {
      body: new Uint8Array(photo),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const caseId = (await api.call('POST', '/v1/cases', { json: caseInput({ perpetratorIds: [perpetrator] }) })).body
      .id;
    const video = fixture('enrolled-walk-in').video;
    const created = await api.call('POST', `/v1/replays?case=${caseId}`, {
      key: api.keys.analyst,
      body: readFileSync(video),
      headers: { 'content-type': 'video/mp4', 'x-file-name': 'walk-in.mp4' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const [replay, cli] = await Promise.all([
      finished(created.body.id, 280_000),
      cliTimeline(video, ['--case', caseId]),
    ]);
    expect(replay.status, replay.error).toBe('done');
    expect(replay).toMatchObject({ watchlist: `case ${caseId}`, caseId });
    expect(replay.result.alerts).toHaveLength(1);
    expect(replay.result.alerts[0].identity).toEqual({ id: perpetrator, name: 'Subject A' });
    expect(cli.gallery?.source).toBe(`case ${caseId}`);
    expect(recorded(replay)).toEqual(asRecorded(cli));
  }, 300_000);
});
