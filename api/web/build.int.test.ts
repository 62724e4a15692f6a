import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ensureWebBuilt } from './build.js';

describe('ensureWebBuilt', () => {
  it('builds the page when it is older than its sources, and leaves a fresh build alone', async () => {
    const log = pino({ level: 'silent' });
    // A folder of its own: the real api/web/dist may be serving another test's browser right now.
    const parent = mkdtempSync(join(tmpdir(), 'watchpost-web-build-'));
    const webDistDir = join(parent, 'dist');
    const dir = await ensureWebBuilt(log, webDistDir);
    expect(dir).toBe(webDistDir);
    const index = join(webDistDir, 'index.html');
    const html = readFileSync(index, 'utf8');
    // The built page loads its hashed bundle by a relative path (works wherever express mounts it).
    const script = /<script type="module" crossorigin src="\.\/(assets\/index-[\w-]+\.js)"/.exec(html);
    expect(script, html).not.toBeNull();
    expect(existsSync(join(webDistDir, script![1]!))).toBe(true);

    const builtAt = statSync(index).mtimeMs;
    await ensureWebBuilt(log, webDistDir);
    expect(statSync(index).mtimeMs).toBe(builtAt);

    // Older than the sources: rebuilt.
    // Older than any source file, however long ago the checkout was made.
    const old = new Date('2001-01-01T00:00:00Z');
    utimesSync(index, old, old);
    await ensureWebBuilt(log, webDistDir);
    expect(statSync(index).mtimeMs).toBeGreaterThan(old.getTime() + 1000);
    // No temporary build folder is left beside dist.
    expect(readdirSync(parent)).toEqual(['dist']);
    rmSync(parent, { recursive: true, force: true });
  }, 120_000);
});
