/** Real photos that ship in a dependency (face-api's demo), decoded for parity tests and checks. */
import { join } from 'node:path';
import sharp from 'sharp';
import { packageDir } from '../../models/prepare/package-dir.js';

/** Path of face-api's demo/sample<index>.jpg (1..6). */
export const samplePhotoPath = (index: number): string =>
  join(packageDir('@vladmandic/face-api'), 'demo', `sample${index}.jpg`);

/** The photo resized (stretched) to size x size, RGB, as NHWC float32 0..255 with batch 1. */
export async function samplePhotoPixels(index: number, size: number): Promise<Float32Array> {
  const { data } = await sharp(samplePhotoPath(index))
    .removeAlpha()
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Float32Array.from(data);
}

/**
 * A square crop of the photo where sharp's attention strategy finds the most salient
 * region (skin tones, faces), resized to size x size: a real face-like input for face nets.
 */
export async function samplePhotoSalientCrop(index: number, size: number): Promise<Float32Array> {
  const img = sharp(samplePhotoPath(index));
  const { width = 0, height = 0 } = await img.metadata();
  const side = Math.round(Math.min(width, height) / 2);
  const square = await img
    .removeAlpha()
    .resize(side, side, { fit: 'cover', position: sharp.strategy.attention })
    .toBuffer();
  const { data } = await sharp(square).resize(size, size).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data);
}
