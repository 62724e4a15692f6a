import sharp from 'sharp';
import type { Box } from '../../pipeline/geometry.js';

/** A small JPEG of a person (box clipped to the frame), as a data: URL for self-contained reports. */
export async function personThumbnail(frameJpeg: Buffer, box: Box, height = 96): Promise<string | null> {
  const { width = 0, height: frameHeight = 0 } = await sharp(frameJpeg).metadata();
  const left = Math.max(0, Math.floor(box[0]));
  const top = Math.max(0, Math.floor(box[1]));
  const w = Math.min(width, Math.ceil(box[2])) - left;
  const h = Math.min(frameHeight, Math.ceil(box[3])) - top;
  if (w < 2 || h < 2) return null;
  const jpeg = await sharp(frameJpeg)
    .extract({ left, top, width: w, height: h })
    .resize({ height })
    .jpeg({ quality: 80 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
