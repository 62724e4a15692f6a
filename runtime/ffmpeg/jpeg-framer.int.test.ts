import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { inspectJpeg, JpegFramer, type FramerOutput } from './jpeg-framer.js';

/** Real JPEGs from ffmpeg's mjpeg encoder (lavfi test pattern), as one concatenated stream. */
function ffmpegJpegs(n: number, size = '160x120'): Buffer {
  const r = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}:rate=10`,
      '-frames:v',
      String(n),
      '-c:v',
      'mjpeg',
      '-f',
      'image2pipe',
      'pipe:1',
    ],
    { maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

function feed(stream: Buffer, chunkSizes: () => number): FramerOutput[] {
  const framer = new JpegFramer();
  const out: FramerOutput[] = [];
  for (let p = 0; p < stream.length; ) {
    const n = Math.max(1, chunkSizes());
    out.push(...framer.push(stream.subarray(p, p + n)));
    p += n;
  }
  const rest = framer.end();
  if (rest) out.push(rest);
  return out;
}

const frames = (out: FramerOutput[]) =>
  out.filter((o): o is Extract<FramerOutput, { ok: true }> => o.ok).map((o) => o.jpeg);

/** Puts an APP1 segment holding a whole second JPEG (like an EXIF thumbnail) right after SOI. */
function withNestedThumbnail(jpeg: Buffer, thumb: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from('Exif\0\0'), thumb]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}

describe('JpegFramer', () => {
  const stream = ffmpegJpegs(6);
  const whole = frames(feed(stream, () => stream.length));

  it('splits real ffmpeg output into whole, valid frames', () => {
    expect(whole).toHaveLength(6);
    for (const f of whole) expect(inspectJpeg(f)).toEqual({ ok: true, width: 160, height: 120 });
    expect(Buffer.concat(whole)).toEqual(stream);
  });

  it('gives the same frames whatever the chunk boundaries, down to single bytes', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 3000;
    };
    for (const sizes of [() => 1, () => 2, () => 4096, random]) {
      const out = feed(stream, sizes);
      expect(out.every((o) => o.ok)).toBe(true);
      expect(frames(out)).toEqual(whole);
    }
  });

  it('keeps a JPEG with a nested thumbnail (SOI..EOI inside APP1) as one frame', () => {
    const nested = withNestedThumbnail(whole[0]!, whole[1]!);
    const out = feed(Buffer.concat([nested, whole[2]!]), () => 100);
    expect(frames(out)).toEqual([nested, whole[2]]);
    expect(inspectJpeg(nested)).toMatchObject({ ok: true, width: 160 });
  });

  it('reports garbage and a truncated frame as corrupt and recovers on the next frame', () => {
    const truncated = whole[1]!.subarray(0, whole[1]!.length >> 1);
    const garbage = Buffer.from('not a jpeg at all');
    const out = feed(Buffer.concat([garbage, whole[0]!, truncated, whole[2]!, whole[3]!.subarray(0, 500)]), () => 777);
    expect(out.map((o) => o.ok)).toEqual([false, true, false, true, false]);
    expect(frames(out)).toEqual([whole[0], whole[2]]);
    expect(out.at(-1)).toMatchObject({ ok: false, reason: /truncated/ });
  });
});

describe('inspectJpeg', () => {
  const [jpeg] = frames(feed(ffmpegJpegs(1, '320x240'), () => 1 << 20));
  it('reads the size of a valid frame', () => {
    expect(inspectJpeg(jpeg!)).toEqual({ ok: true, width: 320, height: 240 });
  });
  it('rejects a truncated frame', () => {
    expect(inspectJpeg(jpeg!.subarray(0, 600))).toMatchObject({ ok: false, reason: /truncated/ });
  });
  it('rejects an invalid marker inside the scan data', () => {
    const bad = Buffer.from(jpeg!);
    bad[bad.length - 40] = 0xff;
    bad[bad.length - 39] = 0x05;
    expect(inspectJpeg(bad)).toMatchObject({ ok: false, reason: /invalid marker FF05 inside scan data/ });
  });
  it('rejects bytes that are not a JPEG', () => {
    expect(inspectJpeg(Buffer.from('hello world'))).toMatchObject({ ok: false, reason: /start-of-image/ });
  });
});
