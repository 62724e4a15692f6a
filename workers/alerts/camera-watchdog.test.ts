import { describe, expect, it } from 'vitest';
import type { CameraEvent, CameraStatus } from '../../pipeline/events.js';
import { createLogger } from '../../runtime/logger.js';
import type { CameraRepository } from '../../storage/repositories/camera.repository.js';
import type { PipelineStateRepository } from '../../storage/repositories/pipeline-state.repository.js';
import { CameraWatchdog, REDIS_LOST_REASON } from './camera-watchdog.js';
import { WORKER_SILENT_REASON } from '../../pipeline/ingest-silence.js';

const T0 = 1_000_000;
const OFFLINE_MS = 15_000;

/** Two cameras whose statuses the test sets, as the ingest worker would in Redis; `redisUp` false makes reads fail. */
function setup(fail: (ev: CameraEvent) => boolean = () => false) {
  const statuses = new Map<string, CameraStatus | null>();
  const world = { redisUp: true };
  const cameras = {
    list: async (f: { after?: unknown }) =>
      f.after ? [] : ['door', 'yard'].map((id, i) => ({ id, createdAt: T0 - i })),
  } as unknown as CameraRepository;
  const pipeline = {
    cameraStatuses: async (ids: string[]) => {
      if (!world.redisUp) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return new Map(ids.map((id) => [id, statuses.get(id) ?? null]));
    },
  } as unknown as PipelineStateRepository;
  const raised: CameraEvent[] = [];
  const watchdog = new CameraWatchdog({
    cameras,
    pipeline,
    raise: async (ev) => {
      if (fail(ev)) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
      raised.push(ev);
    },
    offlineMs: OFFLINE_MS,
    staleStatusMs: 3 * OFFLINE_MS,
    log: createLogger({ log: { level: 'silent', format: 'json' } }),
  });
  const set = (id: string, lastFrameAt: number | null, updatedAt: number, state: CameraStatus['state'] = 'streaming') =>
    statuses.set(id, {
      cameraId: id,
      state,
      lastFrameAt,
      fps: 5,
      framesTotal: 1,
      framesDropped: 0,
      framesCorrupt: 0,
      latestFrameKey: null,
      updatedAt,
    });
  return { watchdog, raised, set, world };
}

describe('camera watchdog', () => {
  it('raises offline once for a camera without frames for offlineSeconds, whoever writes its status, and online when frames return', async () => {
    const { watchdog, raised, set } = setup();
    // door: its worker died (status frozen); yard: a live worker reconnecting (status fresh, no frames).
    set('door', T0, T0);
    set('yard', T0, T0 + 20_000, 'connecting');
    expect(await watchdog.sweep(T0 + 10_000)).toEqual([]);
    const first = await watchdog.sweep(T0 + 20_000);
    expect(first.map((e) => [e.type, e.cameraId, e.eventId])).toEqual([
      ['camera.offline', 'door', 'door-offline-after-1000000'],
      ['camera.offline', 'yard', 'yard-offline-after-1000000'],
    ]);
    expect(first[0]?.reason).toBe(WORKER_SILENT_REASON);
    expect(first[1]?.reason).toBe('no frame for 20 s');
    expect(await watchdog.sweep(T0 + 21_000)).toEqual([]);
    set('yard', T0 + 21_500, T0 + 21_500);
    expect((await watchdog.sweep(T0 + 22_000)).map((e) => [e.type, e.cameraId])).toEqual([['camera.online', 'yard']]);
    expect(raised).toHaveLength(3);
  });

  it('counts every camera blind from the last sweep that reached Redis while Redis is away', async () => {
    const { watchdog, set, world } = setup();
    set('door', T0, T0);
    set('yard', null, T0, 'connecting');
    await watchdog.sweep(T0 + 1000);
    world.redisUp = false;
    expect(await watchdog.sweep(T0 + 10_000)).toEqual([]);
    const evs = await watchdog.sweep(T0 + 16_500);
    // yard never sent a frame: nothing was lost there, and its worker reports its own connects.
    expect(evs.map((e) => [e.cameraId, e.reason])).toEqual([['door', REDIS_LOST_REASON]]);
    expect(await watchdog.sweep(T0 + 17_000)).toEqual([]);
    world.redisUp = true;
    set('door', T0 + 17_100, T0 + 17_100);
    expect((await watchdog.sweep(T0 + 17_200)).map((e) => e.type)).toEqual(['camera.online']);
  });

  it("raises every blind camera though one camera's raise fails, and retries that one at the next sweep", async () => {
    const world = { doorFails: true };
    const { watchdog, raised, set } = setup((ev) => ev.cameraId === 'door' && world.doorFails);
    set('door', T0, T0);
    set('yard', T0, T0);
    // door comes first in the list: its failure held back yard's alert for the whole outage.
    await expect(watchdog.sweep(T0 + 16_000)).rejects.toThrow(/enableOfflineQueue/);
    expect(raised.map((e) => e.cameraId)).toEqual(['yard']);
    world.doorFails = false;
    expect((await watchdog.sweep(T0 + 17_000)).map((e) => e.cameraId)).toEqual(['door']);
    expect(await watchdog.sweep(T0 + 18_000)).toEqual([]);
  });

  it('names a silence as the ingest worker does, so both raise one event', async () => {
    const { watchdog, set } = setup();
    set('door', T0, T0);
    const [ev] = await watchdog.sweep(T0 + 16_000);
    const { cameraOfflineEventId } = await import('../../pipeline/events.js');
    expect(ev?.eventId).toBe(cameraOfflineEventId('door', T0, T0 + 15_000));
  });
});
