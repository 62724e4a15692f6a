import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegArgs, startFfmpegFrames, StderrRing, type FrameEvent } from './ffmpeg-frames.js';

const dir = mkdtempSync(join(tmpdir(), 'wp-ffmpeg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small H.264 clip from ffmpeg's lavfi test pattern. */
function clip(name: string, seconds: number, size = '320x240'): string {
  const path = join(dir, name);
  const r = spawnSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=25`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return path;
}

async function collect(source: AsyncIterable<FrameEvent>): Promise<FrameEvent[]> {
  const out: FrameEvent[] = [];
  for await (const ev of source) out.push(ev);
  return out;
}

describe('startFfmpegFrames', () => {
  it('samples a file at the configured rate, scaled to the maximum width, with timestamps', async () => {
    const src = startFfmpegFrames({ url: clip('a.mp4', 2, '640x480'), fps: 5, maxWidth: 320, jpegQuality: 5 });
    const events = await collect(src.frames);
    const exit = await src.exited;
    expect(exit.code).toBe(0);
    const frames = events.filter((e) => e.type === 'frame');
    expect(frames).toHaveLength(events.length);
    expect(frames.length).toBe(10);
    expect(frames.map((f) => f.ptsSec)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    for (const f of frames) expect([f.width, f.height]).toEqual([320, 240]);
  });

  it('reads an HTTP source', async () => {
    const ts = clip('h.ts', 2);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      createReadStream(ts).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    try {
      const src = startFfmpegFrames({
        url: `http://127.0.0.1:${port}/live.ts`,
        fps: 5,
        maxWidth: 1280,
        jpegQuality: 5,
      });
      const events = await collect(src.frames);
      expect((await src.exited).code).toBe(0);
      expect(events.length).toBe(10);
      expect(events.every((e) => e.type === 'frame' && e.width === 320)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('plays a file in real time with -re', async () => {
    const started = Date.now();
    const src = startFfmpegFrames({ url: clip('b.mp4', 1.5), fps: 4, maxWidth: 1280, jpegQuality: 8, realtime: true });
    const events = await collect(src.frames);
    expect(events.length).toBe(6);
    expect(Date.now() - started).toBeGreaterThan(1000);
  });

  it('stops ffmpeg on request, and pausing the consumer pauses ffmpeg', async () => {
    const src = startFfmpegFrames({ url: clip('c.mp4', 4), fps: 10, maxWidth: 320, jpegQuality: 5 });
    const first = await src.frames.next();
    expect(first.value).toMatchObject({ type: 'frame', index: 0 });
    // Not pulling: ffmpeg is blocked on the pipe and still running after a while.
    await new Promise((r) => setTimeout(r, 500));
    expect(
      await Promise.race([src.exited.then(() => 'exited'), new Promise((r) => setTimeout(() => r('running'), 50))]),
    ).toBe('running');
    const exit = await src.stop();
    expect(exit.stopped).toBe(true);
  });

  it('reports a failing source through its exit, with credentials redacted from stderr', async () => {
    const src = startFfmpegFrames({
      url: 'rtsp://alice:s3cret@127.0.0.1:9/cam',
      fps: 5,
      maxWidth: 320,
      jpegQuality: 5,
      ioTimeoutMs: 1000,
    });
    expect(await collect(src.frames)).toEqual([]);
    const exit = await src.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toContain('rtsp://***@127.0.0.1:9/cam');
    expect(exit.stderr).not.toContain('s3cret');
  });
});

describe('full-range conversion', () => {
  it('gives the same frames through zscale as through swscale, from limited-range and full-range sources', async () => {
    const mjpeg = join(dir, 'full-range.mkv');
    const r = spawnSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x240:rate=25',
      '-t',
      '1',
      '-c:v',
      'mjpeg',
      '-pix_fmt',
      'yuvj420p',
      mjpeg,
    ]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
    for (const [url, tolerance] of [
      [clip('range.mp4', 1), 0.05],
      [mjpeg, 0.3],
    ] as const) {
      const pixels = async (zscale: boolean) => {
        const frames = (
          await collect(startFfmpegFrames({ url, fps: 5, maxWidth: 320, jpegQuality: 3, zscale }).frames)
        ).filter((e) => e.type === 'frame');
        return Promise.all(frames.map((f) => sharp(f.jpeg).raw().toBuffer()));
      };
      const [viaZimg, viaSwscale] = await Promise.all([pixels(true), pixels(false)]);
      expect(viaZimg).toHaveLength(5);
      expect(viaSwscale).toHaveLength(5);
      let diff = 0;
      let n = 0;
      for (const [i, a] of viaZimg.entries())
        for (const [j, v] of a.entries()) {
          diff += Math.abs(v - viaSwscale[i]![j]!);
          n++;
        }
      expect(diff / n).toBeLessThan(tolerance);
    }
  });
});

describe('ffmpegArgs', () => {
  it('uses the RTSP transport and timeout only for RTSP sources', () => {
    const rtsp = ffmpegArgs({
      url: 'rtsp://h/x',
      fps: 5,
      maxWidth: 640,
      jpegQuality: 4,
      rtspTransport: 'udp',
      ioTimeoutMs: 3000,
    });
    expect(rtsp.join(' ')).toContain('-rtsp_transport udp -timeout 3000000');
    const file = ffmpegArgs({ url: '/tmp/x.mp4', fps: 5, maxWidth: 640, jpegQuality: 4, rtspTransport: 'udp' });
    expect(file).not.toContain('-rtsp_transport');
    expect(file.join(' ')).toContain("fps=5,scale='min(640,iw)':-2");
  });

  it('expands to full range with zscale when asked (or available), with swscale otherwise', () => {
    const base = { url: '/tmp/x.mp4', fps: 5, maxWidth: 640, jpegQuality: 4 };
    const vf = (o: object) => ffmpegArgs({ ...base, ...o })[ffmpegArgs({ ...base, ...o }).indexOf('-vf') + 1];
    expect(vf({ zscale: true })).toBe("fps=5,scale='min(640,iw)':-2,format=yuv420p,zscale=range=full,format=yuvj420p");
    expect(vf({ zscale: false })).toBe("fps=5,scale='min(640,iw)':-2");
  });

  it('runs ffmpeg single-threaded unless told otherwise', () => {
    const base = { url: '/tmp/x.mp4', fps: 5, maxWidth: 640, jpegQuality: 4 };
    const one = ffmpegArgs(base).join(' ');
    expect(one).toMatch(/-threads 1 -i \/tmp\/x\.mp4 .*-filter_threads 1 .*-q:v 4 -threads 1 -f image2pipe/);
    const auto = ffmpegArgs({ ...base, threads: 0 });
    expect(auto.some((a) => a.endsWith('threads'))).toBe(false);
    expect(ffmpegArgs({ ...base, threads: 4 }).join(' ')).toContain('-threads 4 -i');
  });
});

describe('StderrRing', () => {
  it('keeps only the last lines, bounded in length', () => {
    const ring = new StderrRing(3, 20);
    for (let i = 0; i < 10; i++) ring.push(`line ${i} ${'x'.repeat(50)}\n`);
    const lines = ring.text().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^line 7/);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
  });
});
