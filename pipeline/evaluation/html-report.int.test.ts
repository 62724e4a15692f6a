import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAlert, makeTimeline, makeTrack, makeTruth } from '../../test/factories/evaluation.factory.js';
import { renderHtmlReport, type HtmlReportInput } from './html-report.js';
import { evaluate } from './metrics.js';
import { sweepThresholds } from './sweep.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function jpegDataUrl(rgb: [number, number, number]): Promise<string> {
  const jpeg = await sharp({
    create: { width: 64, height: 64, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } },
  })
    .jpeg()
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

async function reportInput(): Promise<HtmlReportInput> {
  const truth = makeTruth([
    { identity: 'subject-a', start: 2, end: 8, faceStart: 2.5 },
    { identity: null, actor: 'stranger-1', start: 10, end: 16 },
  ]);
  const a = makeTrack('cam1:7', 'subject-a', 2.2, 7.8, [
    [3, 'subject-a', 0.6],
    [3.2, 'subject-a', 0.52],
    [3.4, 'subject-a', 0.5],
    [3.6, null, null],
  ]);
  a.best = { t: 3.4, thumbnail: await jpegDataUrl([200, 40, 40]) };
  const b = makeTrack('cam1:9', null, 10.2, 15.6, [
    [11, 'subject-a', 0.81],
    [11.2, 'subject-a', 0.77],
  ]);
  b.best = { t: 11, thumbnail: await jpegDataUrl([40, 40, 200]) };
  // An operator-typed name that must come out as text, never as markup.
  const c = makeTrack('cam1:12', '<img src=x onerror=alert(1)>', 17, 18, [[17.5, '<img src=x onerror=alert(1)>', 0.3]]);
  const timeline = makeTimeline(
    [a, b, c],
    [makeAlert('subject-a', 3.4, 0.51, 'cam1:7'), makeAlert('<img src=x onerror=alert(1)>', 17.5, 0.3, 'cam1:12')],
  );
  return {
    timeline,
    truth,
    evaluation: evaluate(truth, timeline),
    sweep: sweepThresholds(truth, timeline, [0.5, 0.56, 0.6]),
    generatedAt: '2026-01-01 12:00 UTC',
  };
}

describe('renderHtmlReport', () => {
  it('is one self-contained document that cannot load anything from outside', async () => {
    const html = renderHtmlReport(await reportInput());
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/(src|href)\s*=\s*"(?!data:)/i);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    // subject-a's card and the two tracks with a best frame; track cam1:12 has none and shows a placeholder.
    expect(html.match(/<img class="thumb" src="data:image\/jpeg;base64,/g)).toHaveLength(3);
    expect(html).toContain('no image');
  });

  it('escapes names it did not write', async () => {
    const html = renderHtmlReport(await reportInput());
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the sections it has data for, and renders the same input identically', async () => {
    const input = await reportInput();
    const full = renderHtmlReport(input);
    expect(full).toContain('Evaluation against ground truth');
    expect(full).toContain('Threshold trade-off');
    expect(full).toContain('Ground truth');
    expect(renderHtmlReport(input)).toBe(full);
    const bare = renderHtmlReport({ timeline: input.timeline });
    expect(bare).not.toContain('Evaluation against ground truth');
    expect(bare).not.toContain('Threshold trade-off');
    expect(bare).not.toContain('Ground truth');
  });

  it('says plainly when nobody was identified', () => {
    const html = renderHtmlReport({ timeline: makeTimeline([makeTrack('t1', null, 1, 4)], []) });
    expect(html).toContain('No enrolled identity was matched in this footage.');
  });
});

describe.skipIf(!existsSync(CHROMIUM))('renderHtmlReport in a browser opened from disk', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'watchpost-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads without a server, without requests or errors, with every thumbnail decoded', async () => {
    const { chromium } = await import('playwright-core');
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtmlReport(await reportInput()));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(pathToFileURL(file).href);
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
      expect(problems).toEqual([]);
      const decoded = await page.$$eval('img.thumb', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(decoded).toEqual([64, 64, 64]);
      // Axis, alerts, ground truth, then one row per track.
      expect(await page.locator('.timeline .row').count()).toBe(3 + 3);
      expect(await page.locator('svg.strip circle.hit').count()).toBe(3);
      expect(await page.getByText('first at 0:03.4').count()).toBe(1);
    } finally {
      await browser.close();
    }
  });
});
