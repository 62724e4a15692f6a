import sharp from 'sharp';
import { MOTION_THUMB } from '../../pipeline/motion-gate.js';

/** A frame that is not a decodable image: skipped and counted, never retried. */
export class CorruptFrameError extends Error {
  override name = 'CorruptFrameError';
}

/**
 * The motion gate's greyscale thumbnail of a JPEG frame. libvips shrinks JPEGs while
 * decoding (DCT scaling), so this costs a fraction of a full decode.
 */
export async function motionThumbnail(jpeg: Buffer): Promise<Uint8Array> {
  try {
    const raw = await sharp(jpeg, { failOn: 'truncated' })
      .resize(MOTION_THUMB.width, MOTION_THUMB.height, { fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer();
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  } catch (err) {
    throw new CorruptFrameError(`frame is not a decodable image: ${(err as Error).message.split('\n')[0]}`);
  }
}
