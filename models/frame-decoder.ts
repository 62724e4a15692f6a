import jpegTurbo from '@julusian/jpeg-turbo';
import { ImageError, MAX_IMAGE_PIXELS, type DecodedImage } from './image.js';

/** Width and height from a JPEG's frame header (SOFn), or why there is none. */
export function jpegDimensions(jpeg: Buffer): { width: number; height: number } | 'not_jpeg' | 'truncated' {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return 'not_jpeg';
  let i = 2;
  while (i + 4 <= jpeg.length) {
    if (jpeg[i] !== 0xff) return 'truncated';
    const marker = jpeg[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrameHeader) {
      if (i + 9 > jpeg.length) return 'truncated';
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) return 'truncated'; // end of image or scan data before any frame header
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  return 'truncated';
}

/**
 * Decodes camera frames (baseline JPEGs that ingest's ffmpeg wrote) with libjpeg-turbo
 * directly: a 1280x720 frame costs 1.6 ms of CPU here, through libvips (sharp) 7-9 ms,
 * and detect and identify decode every frame they get. Strict: libjpeg warnings (a
 * truncated or damaged frame) fail the decode.
 *
 * `decode` hands out pixel buffers that `release` takes back for the next frame of the
 * same size (at most `keep` idle): a fresh 2.7 MB buffer per frame costs its page
 * faults and, as external memory, pushes V8 into full garbage collections.
 */
export class FrameDecoder {
  private readonly idle: Buffer[] = [];
  private readonly lent = new WeakSet<Buffer>();

  constructor(private readonly keep = 4) {}

  async decode(jpeg: Buffer): Promise<DecodedImage> {
    const dims = jpegDimensions(jpeg);
    if (dims === 'not_jpeg') throw new ImageError('not_an_image', 'frame: not a JPEG (no start-of-image marker)');
    if (dims === 'truncated')
      throw new ImageError('truncated', 'frame: the JPEG is truncated or corrupt (no frame header)');
    const { width, height } = dims;
    if (width * height > MAX_IMAGE_PIXELS)
      throw new ImageError('too_large', `frame: ${width}x${height} is over ${MAX_IMAGE_PIXELS / 1e6} megapixels`);
    if (width * height === 0) throw new ImageError('not_an_image', 'frame: the JPEG has no pixels');
    const size = width * height * 3;
    const out = this.take(size);
    try {
      const r = await jpegTurbo.decompress(jpeg, out, { format: jpegTurbo.FORMAT_RGB });
      if (r.width !== width || r.height !== height)
        throw new Error(`decoded ${r.width}x${r.height}, the header said ${width}x${height}`);
      this.lent.add(out);
      return { data: out, width, height };
    } catch (err) {
      this.give(out);
      // The binding's own messages say nothing ("No error"): the header was fine, the data was not.
      const said = (err as Error).message;
      throw new ImageError(
        'truncated',
        `frame: the JPEG data is truncated or corrupt${said && said !== 'No error' ? ` (${said})` : ''}`,
      );
    }
  }

  /** Takes back an image's pixels (only buffers this decoder lent, once each). */
  release(img: DecodedImage): void {
    if (this.lent.delete(img.data)) this.give(img.data);
  }

  private take(size: number): Buffer {
    const i = this.idle.findIndex((b) => b.length === size);
    return i >= 0 ? this.idle.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(size);
  }

  private give(buf: Buffer): void {
    this.idle.push(buf);
    if (this.idle.length > this.keep) this.idle.shift();
  }
}

const unpooled = new FrameDecoder(0);

/** Decodes one camera frame into a buffer of its own (FrameDecoder without reuse). */
export const decodeFrame = (jpeg: Buffer): Promise<DecodedImage> => unpooled.decode(jpeg);
