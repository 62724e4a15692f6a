import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { createLogger } from '../../runtime/logger.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { CameraLeases, ingestConnectionName } from './camera-leases.js';
import { testConfig } from '../../test/ingest-test-kit.js';

const redis = new Redis(testRedisUrl());
const log = createLogger(testConfig({}), 'test');
afterAll(() => redis.disconnect());

const cameras = ['a', 'b', 'c', 'd', 'e'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('camera leases between ingest workers', () => {
  const { prefix, cleanup } = testPrefix('leases');
  afterAll(cleanup);
  const worker = (id: string, leaseMs = 60_000) => new CameraLeases({ redis, prefix, leaseMs, log, workerId: id });
  /** Rounds for every worker until nothing changes (at most 5); a standby camera's reader has frames at once. */
  const settle = async (workers: CameraLeases[]) => {
    for (let round = 0; round < 5; round++)
      for (const w of workers) {
        await w.balance(cameras);
        for (const id of w.warming()) await w.markWarm(id);
      }
  };
  const assertPartition = (workers: CameraLeases[]) => {
    const held = workers.flatMap((w) => [...w.held()]);
    expect(held.sort()).toEqual(cameras);
  };

  it('gives a restarted worker with the same id its cameras back at once, its own leases still running', async () => {
    const before = worker('A');
    await before.balance(cameras);
    // Killed: nothing released. The restart (same configured id) takes every camera in its first round.
    const after = worker('A');
    expect([...(await after.balance(cameras))].sort()).toEqual(cameras);
    // A worker with another id would have waited for the leases to lapse.
    const other = worker('B');
    await other.balance(cameras);
    expect(other.held().size).toBe(0);
    await other.releaseAll();
    await after.releaseAll();
  });

  it('gives a single worker every camera, and each camera one holder', async () => {
    const a = worker('A');
    expect([...(await a.balance(cameras))].sort()).toEqual(cameras);
    for (const id of cameras) expect(await redis.get(globalKeys(prefix).cameraLease(id))).toBe('A');
    await a.releaseAll();
    for (const id of cameras) expect(await redis.get(globalKeys(prefix).cameraLease(id))).toBeNull();
  });

  it('shares the cameras when a second worker joins (fair share, no camera read twice), and hands them back when it leaves', async () => {
    const a = worker('A');
    const b = worker('B');
    await a.balance(cameras);
    expect(a.held().size).toBe(5);
    await settle([a, b]);
    assertPartition([a, b]);
    expect([a.held().size, b.held().size].sort()).toEqual([2, 3]);
    await b.releaseAll();
    await a.balance(cameras);
    expect(a.held().size).toBe(5);
    await a.releaseAll();
  });

  it('hands a camera between live workers without a gap: the old reader lets go once the new one is warm', async () => {
    const a = worker('A');
    const b = worker('B');
    await a.balance(cameras);
    await b.balance(cameras);
    // B is assigned its share, but A still reads it: B starts those on standby, A keeps them.
    const moving = [...b.warming()];
    expect(moving.length).toBeGreaterThan(0);
    expect(b.held().size).toBe(0);
    await a.balance(cameras);
    for (const id of moving) expect(a.held().has(id)).toBe(true);
    // B's standby readers deliver frames: A lets go in its next round, B takes them in its own.
    for (const id of moving) await b.markWarm(id);
    await a.balance(cameras);
    for (const id of moving) expect(a.held().has(id)).toBe(false);
    await b.balance(cameras);
    expect([...b.held()].sort()).toEqual(moving.sort());
    expect(b.warming().size).toBe(0);
    assertPartition([a, b]);
    await a.releaseAll();
    await b.releaseAll();
  });

  it('leaves a worker the cameras only it can read (workers configured with different cameras)', async () => {
    const a = worker('A');
    const b = worker('B');
    await a.balance(cameras);
    for (let round = 0; round < 4; round++) {
      await a.balance(cameras);
      await b.balance(['x']);
    }
    expect([...a.held()].sort()).toEqual(cameras);
    expect([...b.held()]).toEqual(['x']);
    await a.releaseAll();
    await b.releaseAll();
  });

  it('takes over the cameras of a worker that died once its leases lapse', async () => {
    const a = worker('A', 400);
    const dead = worker('dead', 400);
    await settle([a, dead]);
    assertPartition([a, dead]);
    const orphaned = [...dead.held()];
    expect(orphaned.length).toBeGreaterThan(0);
    // `dead` stops renewing. Within the lease its cameras stay its own.
    await a.balance(cameras);
    for (const id of orphaned) expect(a.held().has(id)).toBe(false);
    await sleep(500);
    await a.balance(cameras);
    expect([...a.held()].sort()).toEqual(cameras);
    await a.releaseAll();
  });

  it('takes over the cameras of a worker whose process died at once, not when its leases lapse', async () => {
    // Each worker on its own named connection, as the ingest worker runs it; leases of a minute.
    const named = async (id: string) => {
      const conn = new Redis(testRedisUrl(), { connectionName: ingestConnectionName(prefix, id) });
      await new Promise((r) => conn.once('ready', r));
      const leases = new CameraLeases({
        redis: conn,
        prefix,
        leaseMs: 60_000,
        log,
        workerId: id,
        namedConnection: true,
        reconnectGraceMs: 0,
      });
      return { conn, leases };
    };
    const a = await named('A');
    const killed = await named('K');
    await settle([a.leases, killed.leases]);
    assertPartition([a.leases, killed.leases]);
    const orphaned = [...killed.leases.held()];
    expect(orphaned.length).toBeGreaterThan(0);
    // SIGKILL closes the process's sockets: Redis drops its connection. One round later A reads everything.
    killed.conn.disconnect();
    await sleep(100);
    expect([...(await a.leases.balance(cameras))].sort()).toEqual(cameras);
    for (const id of orphaned) expect(await redis.get(globalKeys(prefix).cameraLease(id))).toBe('A');
    // A worker never seen connected by name (an older version) is left to its leases.
    await redis.set(globalKeys(prefix).cameraLease('e'), 'old');
    await redis.zadd(globalKeys(prefix).ingestWorkers, Date.now(), 'old');
    await a.leases.balance(cameras);
    expect(await redis.get(globalKeys(prefix).cameraLease('e'))).toBe('old');
    await redis.del(globalKeys(prefix).cameraLease('e'));
    await redis.zrem(globalKeys(prefix).ingestWorkers, 'old');
    await a.leases.releaseAll();
    a.conn.disconnect();
  });

  it('stops reading a camera whose lease another worker holds, and drops removed cameras', async () => {
    const a = worker('A');
    await a.balance(cameras);
    await redis.set(globalKeys(prefix).cameraLease('c'), 'intruder');
    await a.balance(cameras);
    expect(a.held().has('c')).toBe(false);
    await a.balance(['a', 'b']);
    expect([...a.held()].sort()).toEqual(['a', 'b']);
    expect(await redis.get(globalKeys(prefix).cameraLease('d'))).toBeNull();
    await a.releaseAll();
    await redis.del(globalKeys(prefix).cameraLease('c'));
  });

  it('takes back a lease that vanished (Redis restarted without persistence) without stopping the camera', async () => {
    const a = worker('A');
    await a.balance(cameras);
    await redis.del(...cameras.map((id) => globalKeys(prefix).cameraLease(id)));
    expect([...(await a.balance(cameras))].sort()).toEqual(cameras);
    expect(await redis.get(globalKeys(prefix).cameraLease('a'))).toBe('A');
    await a.releaseAll();
  });

  it('keeps its cameras while Redis is unreachable', async () => {
    const conn = new Redis(testRedisUrl(), {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await new Promise((r) => conn.once('ready', r));
    const a = new CameraLeases({ redis: conn, prefix, leaseMs: 60_000, log, workerId: 'A' });
    expect((await a.balance(cameras)).size).toBe(5);
    conn.disconnect();
    expect([...(await a.balance(cameras))].sort()).toEqual(cameras);
    await redis.del(...cameras.map((id) => globalKeys(prefix).cameraLease(id)), globalKeys(prefix).ingestWorkers);
  });
});
