/**
 * A lock file that serialises model builds across processes sharing one cache folder
 * (several workers starting at once must not convert the same model side by side).
 */
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK_FILE = '.prepare.lock';
/** A lock older than this belongs to a process that died mid-build. */
const STALE_AFTER_MS = 10 * 60_000;
const POLL_MS = 200;

export async function withCacheLock<T>(cacheDir: string, fn: () => Promise<T>): Promise<T> {
  const path = join(cacheDir, LOCK_FILE);
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_AFTER_MS) await rm(path, { force: true });
      else await sleep(POLL_MS);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
