import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { requireRedisServer } from './system-tools.js';

export interface EmbeddedRedis {
  url: string;
  port: number;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private redis-server on a free loopback port with no persistence.
 * It runs under a tiny shell guard that reads our stdin: when this process dies
 * in any way (even SIGKILL) the pipe closes and the guard stops the server, so no
 * orphaned redis-server outlives its parent. It runs in its own process group: a
 * Ctrl-C in the terminal signals our group only, so Redis stays up while we drain
 * and close our connections, and stops last.
 */
export async function startEmbeddedRedis(
  opts: {
    port?: number;
    /** More redis-server arguments (`--replicaof ...`, `--cluster-enabled yes`, `--sentinel`). */
    args?: string[];
    /** Lines of a config file written into the server's folder and given first (Sentinel needs one it can rewrite). */
    configLines?: string[];
  } = {},
): Promise<EmbeddedRedis> {
  const bin = requireRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'watchpost-redis-'));
  const port = opts.port ?? (await freePort());
  const configFile = join(dir, 'redis.conf');
  if (opts.configLines) writeFileSync(configFile, `${opts.configLines.join('\n')}\n`);
  const args = [
    ...(opts.configLines ? [configFile] : []),
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--loglevel',
    'warning',
    ...(opts.args ?? []),
  ];
  const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const guard = `${quoted} & r=$!; trap 'kill $r 2>/dev/null' TERM INT; cat >/dev/null; kill $r 2>/dev/null; wait $r`;
  const child: ChildProcess = spawn('/bin/sh', ['-c', guard], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  await waitForRedis(url, 5000, () => (child.exitCode !== null ? `redis-server exited: ${stderr.trim()}` : null));
  let stopped: Promise<void> | null = null;
  return {
    url,
    port,
    stop() {
      stopped ??= (async () => {
        child.stdin?.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** Resolves once PING answers at `url`; rejects after `timeoutMs` or when `failed()` names a reason. */
export async function waitForRedis(
  url: string,
  timeoutMs: number,
  failed: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = failed();
    if (reason) throw new Error(reason);
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}
