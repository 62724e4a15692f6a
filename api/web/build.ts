import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../runtime/logger.js';

const webRoot = dirname(fileURLToPath(import.meta.url));
/** Where the built dashboard lives; express serves this folder. */
export const webDistDir = join(webRoot, 'dist');

/** Newest modification time of the page's sources (the folders vite reads). */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (path: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (!path.endsWith('.test.ts')) newest = Math.max(newest, st.mtimeMs);
  };
  // The page bundles the API's role policy (src/permissions.ts), the event-stream reader and the CSV rule too.
  const shared = ['../http/roles.ts', '../../runtime/event-stream.ts', '../../pipeline/csv.ts'];
  for (const entry of ['index.html', 'vite.config.ts', 'src', ...shared]) walk(join(webRoot, entry));
  return newest;
}

function isFresh(distDir: string): boolean {
  const index = join(distDir, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newestSourceMtime();
}

/**
 * Makes sure `distDir` (default `api/web/dist`) holds a build of the current sources, building it with
 * vite when it is missing or older than the sources. Returns the folder to serve,
 * or null when there is nothing to serve (vite is a dev dependency: a production
 * install without it must ship a prebuilt dist). Builds into a temporary folder and
 * renames it into place, so a concurrent request or a second API process never
 * sees a half-written page.
 */
export async function ensureWebBuilt(log: Logger, distDir = webDistDir): Promise<string | null> {
  const sourcesPresent = existsSync(join(webRoot, 'src'));
  if (!sourcesPresent) return existsSync(join(distDir, 'index.html')) ? distDir : null;
  if (isFresh(distDir)) return distDir;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    const have = existsSync(join(distDir, 'index.html'));
    log.warn(
      { dist: distDir },
      have
        ? 'dashboard build may be stale: vite is not installed'
        : 'dashboard not built and vite is not installed: run `npm run build:web`',
    );
    return have ? distDir : null;
  }
  const tmp = `${distDir}.tmp-${process.pid}-${Date.now()}`;
  const started = Date.now();
  log.info('building the dashboard (api/web) with vite');
  try {
    await vite.build({
      configFile: join(webRoot, 'vite.config.ts'),
      build: { outDir: tmp, emptyOutDir: true },
      logLevel: 'warn',
    });
    rmSync(distDir, { recursive: true, force: true });
    try {
      renameSync(tmp, distDir);
    } catch (err) {
      // Another process put its build in place between our rm and rename: equally fresh.
      if (!isFresh(distDir)) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log.info({ ms: Date.now() - started }, 'dashboard built');
  return distDir;
}
