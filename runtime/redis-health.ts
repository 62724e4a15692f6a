import type { Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import type { Logger } from './logger.js';
import { registry } from './metrics.js';

/**
 * Outages logged as they happen, once: every connection and queue of a process reports
 * its errors here, and the process logs one line when Redis is lost and one when it is
 * back, with the address (never credentials) and how long it was away. ioredis retries
 * every few hundred ms and each retry is an 'error' event: logged one by one (or left to
 * ioredis's "Unhandled error event" print, which is not JSON), a 20 s outage was hundreds
 * of stack dumps per process.
 */

/** Errors that mean "the server is unreachable", as opposed to a command that failed. */
const UNREACHABLE = new RegExp(
  [
    'ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE',
    "Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|Reached the max retries",
  ].join('|'),
  'i',
);

export function isUnreachable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return UNREACHABLE.test(`${e?.code ?? ''} ${e?.message ?? String(err)}`);
}

const redisUp = new Gauge({
  name: 'watchpost_redis_up',
  help: "1 while this process reaches Redis, 0 from a connection's first failure until one is ready again",
  labelNames: ['redis'] as const,
  registers: [registry],
});
const redisOutages = new Counter({
  name: 'watchpost_redis_outages_total',
  help: 'Times this process lost Redis (one per outage, however many connections and retries)',
  labelNames: ['redis'] as const,
  registers: [registry],
});

interface ServerState {
  downSince: number | null;
  errors: number;
  lastError: string;
}
const servers = new Map<string, ServerState>();
/** Callbacks run when Redis comes back (e.g. a summary of what was dropped meanwhile). */
const onRestored = new Set<(address: string, downMs: number) => void>();

/** host:port (or the socket path) of a connection: never its credentials. */
export function redisAddress(conn: Redis): string {
  const o = conn.options;
  return o.path ?? `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}

function stateOf(address: string): ServerState {
  let s = servers.get(address);
  if (!s) {
    s = { downSince: null, errors: 0, lastError: '' };
    servers.set(address, s);
    redisUp.set({ redis: address }, 1);
  }
  return s;
}

function lost(address: string, err: unknown, log: Logger): void {
  const s = stateOf(address);
  s.errors++;
  s.lastError = (err as { code?: string })?.code ?? (err as Error)?.message ?? String(err);
  if (s.downSince !== null) return;
  s.downSince = Date.now();
  redisUp.set({ redis: address }, 0);
  redisOutages.inc({ redis: address });
  log.error({ redis: address, error: s.lastError }, 'redis connection lost: retrying');
}

function restored(address: string, log: Logger): void {
  const s = stateOf(address);
  if (s.downSince === null) return;
  const downMs = Date.now() - s.downSince;
  log.warn({ redis: address, downMs, failedAttempts: s.errors, lastError: s.lastError }, 'redis connection restored');
  s.downSince = null;
  s.errors = 0;
  redisUp.set({ redis: address }, 1);
  for (const cb of onRestored) cb(address, downMs);
}

/** Whether this process currently considers Redis unreachable. */
export function redisDown(): boolean {
  for (const s of servers.values()) if (s.downSince !== null) return true;
  return false;
}

/** Registers a callback for the end of each outage; returns its remover. */
export function whenRedisRestored(cb: (address: string, downMs: number) => void): () => void {
  onRestored.add(cb);
  return () => onRestored.delete(cb);
}

/** Reports a connection's failures and recovery (attach to every client, duplicates too: listeners are not copied). */
export function watchRedis(conn: Redis, log: Logger): Redis {
  const address = redisAddress(conn);
  stateOf(address);
  conn.on('error', (err: Error) => reportError(address, err, log));
  conn.on('ready', () => restored(address, log));
  return conn;
}

/** Listener for a BullMQ Queue/Worker/QueueEvents 'error' event (their own connections included). */
export function queueErrorListener(conn: Redis, log: Logger, queue: string): (err: Error) => void {
  const address = redisAddress(conn);
  return (err) => reportError(address, err, log, queue);
}

function reportError(address: string, err: Error, log: Logger, queue?: string): void {
  if (isUnreachable(err)) lost(address, err, log);
  // Any other error is rare and worth its own line; the message, not a stack per retry.
  else log.warn({ redis: address, queue, error: err.message }, 'redis error');
}
