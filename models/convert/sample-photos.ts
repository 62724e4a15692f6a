/** Real photos that ship in a dependency (face-api's demo), decoded for parity tests and checks. */
import { join } from 'node:path';
import sharp from 'sharp';
import { packageDir } from '../prepare/package-dir.js';

/** Path of face-api's demo/sample<index>.jpg (1..6). */
export const samplePhotoPath = (index: number): string => join(packageDir('@vladmandic/face-api'), 'demo', `sample${index}.jpg`);

/** The photo resized (stretched) to size x size, RGB, as NHWC float32 0..255 with batch 1. */
export async function samplePhotoPixels(index: number, size: number): Promise<Float32Array> {
  const { data } = await sharp(samplePhotoPath(index)).removeAlpha().resize(size, size, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data);
}

/** A centred square crop around the largest face-like region is not needed: a cover crop keeps faces undistorted. */
export async function samplePhotoCrop(index: number, size: number, region?: { left: number; top: number; width: number; height: number }): Promise<Float32Array> {
  let img = sharp(samplePhotoPath(index)).removeAlpha();
  if (region) img = img.extract(region);
  const { data } = await img.resize(size, size, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data);
}
