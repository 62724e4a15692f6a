import sharp from 'sharp';
import type { Box } from '../../pipeline/geometry.js';
import type { DecodedImage } from '../../models/index.js';

/** JPEG of a face with a margin of `margin` times its size on each side (evidence for the officer). */
export async function faceCropJpeg(img: DecodedImage, face: Box, margin = 0.25): Promise<Buffer> {
  const w = face[2] - face[0];
  const h = face[3] - face[1];
  const left = Math.max(0, Math.floor(face[0] - w * margin));
  const top = Math.max(0, Math.floor(face[1] - h * margin));
  const right = Math.min(img.width, Math.ceil(face[2] + w * margin));
  const bottom = Math.min(img.height, Math.ceil(face[3] + h * margin));
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .extract({ left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) })
    .jpeg({ quality: 90 })
    .toBuffer();
}
