import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis, type EmbeddedRedis } from '../runtime/embedded-redis.js';

let redis: EmbeddedRedis | null = null;

/**
 * One private redis-server for the whole run (unless REDIS_URL points at one),
 * so tests never touch a shared server's data and can run where none is installed
 * as a service. Tests get its URL with `inject('redisUrl')` (see test/redis.ts).
 */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.REDIS_URL;
  if (!url) {
    redis = await startEmbeddedRedis();
    url = redis.url;
  }
  project.provide('redisUrl', url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
