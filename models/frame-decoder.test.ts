import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeFrame, FrameDecoder, jpegDimensions } from './frame-decoder.js';
import { decodeImage } from './image.js';

const pattern = (w: number, h: number) =>
  Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + (i >> 7)) % 256));
const jpegOf = (w: number, h: number, opts: { progressive?: boolean; grey?: boolean } = {}) => {
  let img = sharp(pattern(w, h), { raw: { width: w, height: h, channels: 3 } });
  if (opts.grey) img = img.greyscale();
  return img.jpeg({ quality: 90, progressive: opts.progressive ?? false }).toBuffer();
};

describe('jpegDimensions', () => {
  it('reads the frame header of baseline and progressive JPEGs, and says what is wrong otherwise', async () => {
    expect(jpegDimensions(await jpegOf(64, 48))).toEqual({ width: 64, height: 48 });
    expect(jpegDimensions(await jpegOf(33, 17, { progressive: true }))).toEqual({ width: 33, height: 17 });
    expect(jpegDimensions(Buffer.from('not a jpeg at all'))).toBe('not_jpeg');
    const jpeg = await jpegOf(64, 48);
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(jpegDimensions(jpeg.subarray(0, sof + 4))).toBe('truncated');
    expect(jpegDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBe('truncated');
  });
});

describe('FrameDecoder', () => {
  it('gives the pixels sharp gives for a camera frame, to within JPEG upsampling', async () => {
    const jpeg = await jpegOf(64, 48);
    const [fast, full] = await Promise.all([decodeFrame(jpeg), decodeImage(jpeg)]);
    expect([fast.width, fast.height, fast.data.length]).toEqual([64, 48, 64 * 48 * 3]);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < full.data.length; i++) {
      const d = Math.abs(fast.data[i]! - full.data[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    expect(sum / full.data.length).toBeLessThan(1.5);
    expect(max).toBeLessThanOrEqual(12);
    const grey = await decodeFrame(await jpegOf(64, 48, { grey: true }));
    expect(grey.data.length).toBe(64 * 48 * 3);
    expect([grey.data[0], grey.data[1]]).toEqual([grey.data[2], grey.data[2]]);
  });

  it('refuses damaged frames with typed errors', async () => {
    const jpeg = await jpegOf(64, 48);
    await expect(decodeFrame(jpeg.subarray(0, jpeg.length >> 1))).rejects.toMatchObject({
      name: 'ImageError',
      code: 'truncated',
    });
    await expect(decodeFrame(Buffer.from('not a jpeg at all'))).rejects.toMatchObject({
      name: 'ImageError',
      code: 'not_an_image',
    });
    await expect(decodeFrame(Buffer.alloc(0))).rejects.toMatchObject({ name: 'ImageError', code: 'not_an_image' });
    const scrambled = Buffer.from(jpeg);
    for (let i = jpeg.length - 400; i < jpeg.length - 200; i++) scrambled[i]! ^= 0x5a;
    await expect(decodeFrame(scrambled)).rejects.toMatchObject({ name: 'ImageError', code: 'truncated' });
  });

  it('reuses a released frame buffer for the next frame of that size, and only buffers it lent', async () => {
    const decoder = new FrameDecoder(2);
    const [a, b] = await Promise.all([jpegOf(64, 48), jpegOf(32, 24)]);
    const first = await decoder.decode(a);
    const concurrent = await decoder.decode(a);
    expect(concurrent.data).not.toBe(first.data);
    const firstPixels = Buffer.from(first.data);
    decoder.release(first);
    decoder.release(first); // twice: still lent out once only
    const foreign = await decodeFrame(a);
    decoder.release(foreign);
    const other = await decoder.decode(b);
    expect(other.data).not.toBe(first.data);
    const again = await decoder.decode(a);
    expect(again.data).toBe(first.data);
    expect(again.data.equals(firstPixels)).toBe(true);
    const third = await decoder.decode(a);
    expect(third.data).not.toBe(first.data);
    expect(third.data).not.toBe(foreign.data);
  });

  it('a failed decode loses no buffer', async () => {
    const decoder = new FrameDecoder(1);
    const jpeg = await jpegOf(64, 48);
    const ok = await decoder.decode(jpeg);
    decoder.release(ok);
    await expect(decoder.decode(jpeg.subarray(0, jpeg.length - 300))).rejects.toMatchObject({ code: 'truncated' });
    expect((await decoder.decode(jpeg)).data).toBe(ok.data);
  });
});
