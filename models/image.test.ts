import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, ImageError, type ImageErrorCode } from './image.js';

const SAMPLE = 'node_modules/@vladmandic/face-api/demo/sample1.jpg';
const dir = mkdtempSync(join(tmpdir(), 'wp-image-'));

async function expectCode(input: Buffer | string, code: ImageErrorCode, message: RegExp): Promise<void> {
  const err = await decodeImage(input).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageError);
  expect((err as ImageError).code).toBe(code);
  expect((err as ImageError).message).toMatch(message);
}

describe('decodeImage', () => {
  beforeAll(async () => {
    const jpg = readFileSync(SAMPLE);
    writeFileSync(join(dir, 'truncated.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)));
    writeFileSync(join(dir, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(join(dir, 'notes.jpg'), 'this is a text file');
    writeFileSync(join(dir, 'drawing.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
      .greyscale()
      .png()
      .toFile(join(dir, 'grey.png'));
    await sharp({ create: { width: 3, height: 2, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } })
      .png()
      .toFile(join(dir, 'alpha.png'));
    await sharp({ create: { width: 7100, height: 7100, channels: 3, background: '#000' } })
      .jpeg()
      .toFile(join(dir, 'huge.jpg'));
  });

  it('decodes a JPEG file and buffer to RGB of the right size', async () => {
    const fromPath = await decodeImage(SAMPLE);
    const meta = await sharp(SAMPLE).metadata();
    expect([fromPath.width, fromPath.height]).toEqual([meta.width, meta.height]);
    expect(fromPath.data.length).toBe(fromPath.width * fromPath.height * 3);
    const fromBuffer = await decodeImage(readFileSync(SAMPLE));
    expect(fromBuffer.data.equals(fromPath.data)).toBe(true);
  });

  it('turns greyscale and alpha images into 3-channel RGB', async () => {
    const grey = await decodeImage(join(dir, 'grey.png'));
    expect(grey.data.length).toBe(40 * 20 * 3);
    expect(grey.data[0]).toBe(grey.data[1]);
    const alpha = await decodeImage(join(dir, 'alpha.png'));
    expect(alpha.data.length).toBe(3 * 2 * 3);
  });

  it('gives typed errors for bad input', async () => {
    await expectCode(join(dir, 'empty.jpg'), 'empty', /empty \(0 bytes\)/);
    await expectCode(Buffer.alloc(0), 'empty', /empty/);
    await expectCode(join(dir, 'notes.jpg'), 'not_an_image', /not an image/);
    await expectCode(join(dir, 'truncated.jpg'), 'truncated', /truncated/);
    await expectCode(join(dir, 'huge.jpg'), 'too_large', /7100x7100 is 50\.4 megapixels; the limit is 50/);
    await expectCode(join(dir, 'drawing.svg'), 'unsupported', /svg images are not supported/);
    await expectCode(join(dir, 'missing.jpg'), 'unreadable', /ENOENT/);
  });
});
