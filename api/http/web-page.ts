import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';

/**
 * The page must be revalidated on every load (after a rebuild it names new bundles, and an
 * old copy would point at deleted ones); vite's content-hashed assets never change.
 */
export function webCacheControl(path: string): string {
  if (path.endsWith('.html')) return 'no-cache';
  if (/[\\/]assets[\\/]/.test(path)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=3600';
}

/** Serves the built dashboard, when there is one, and its page for every path the API does not own (client routing). */
export function serveWebPage(app: Express, webDist: string | null): void {
  if (!webDist || !existsSync(join(webDist, 'index.html'))) return;
  app.use(
    express.static(webDist, {
      index: 'index.html',
      setHeaders: (res, path) => res.setHeader('cache-control', webCacheControl(path)),
    }),
  );
  app.get(/^\/(?!v1\/|admin\/|healthz|readyz|metrics).*/, (_req, res) =>
    res.sendFile(join(webDist, 'index.html'), { headers: { 'cache-control': webCacheControl('index.html') } }),
  );
}
