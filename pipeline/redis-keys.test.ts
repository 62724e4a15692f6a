import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { detectQueueName, partitionOf } from './queues.js';
import { globalKeys, redisKeys } from './redis-keys.js';

// Redis Cluster's own slot function (CRC16 of the hash tag), as ioredis computes it.
const keySlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

describe('redis keys on a Redis Cluster', () => {
  const P = 8;
  const keys = redisKeys('wp', P);
  const cameras = ['front-door', 'back-door', 'gate', 'garage', 'porch', 'cam-17'];

  it("puts a camera's frames, state, tracks and its detect partition's queue in one slot", () => {
    for (const id of cameras) {
      const queue = detectQueueName(partitionOf(id, P));
      const bullKey = `${keys.bull(queue)}:${queue}:wait`;
      const slots = new Set(
        [
          keys.frame(id, 1),
          keys.frame(id, 99),
          keys.faceCrop(id, 1, 0),
          keys.detectState(id),
          keys.cameraDetections(id),
          keys.framesDone(id, 'r1'),
          keys.trackVotes(id, 't1'),
          keys.trackMatch(id, 't1'),
          keys.appearance(id, 'p1'),
          keys.trackLog(id),
          bullKey,
        ].map(keySlot),
      );
      expect(slots.size, id).toBe(1);
    }
  });

  it('spreads the partitions over slots, and keeps keys read together across cameras in one', () => {
    const partitionSlots = new Set(Array.from({ length: P }, (_, p) => keySlot(keys.bull(detectQueueName(p)))));
    expect(partitionSlots.size).toBe(P);
    const g = globalKeys('wp');
    const together = [
      ...cameras.flatMap((id) => [g.cameraStatus(id), g.cameraLease(id), g.cameraFaceSizes(id)]),
      g.ingestWorkers,
      g.ingestWants,
      g.cameraRegistry,
      g.watchlistCurrent,
      g.watchlistVersion,
    ];
    expect(new Set(together.map(keySlot)).size).toBe(1);
  });

  it('keeps every key under the deployment prefix (a prefix scan finds them all)', () => {
    expect(keys.frame('gate', 3)).toMatch(/^wp:\{detect-\d+\}:frame:gate:3$/);
    expect(keys.cameraStatus('gate')).toBe('wp:{g}:camera:gate:status');
    expect(keys.bull('identify')).toBe('wp:{identify}:bull');
  });
});
