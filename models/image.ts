import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';

/** Pixels of a decoded image: RGB, 3 bytes per pixel, row-major, no padding. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
}

export type ImageErrorCode = 'empty' | 'not_an_image' | 'truncated' | 'too_large' | 'unsupported' | 'unreadable';

/** An input that cannot be used as an image; `code` says why (stable, for JSON output). */
export class ImageError extends Error {
  override name = 'ImageError';
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Larger images are refused before decoding (a 50 MP RGB frame is already 150 MB). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Raster formats a camera or a phone produces; vector and document formats are refused. */
const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/**
 * Decodes a JPEG/PNG/WebP/... (buffer or file path) to RGB, honouring EXIF orientation.
 * Throws ImageError; the size check reads only the header, before any pixel is decoded.
 */
export async function decodeImage(input: Buffer | string): Promise<DecodedImage> {
  const label = typeof input === 'string' ? input : 'image buffer';
  let bytes: Buffer;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (err) {
    throw new ImageError(
      'unreadable',
      `${label}: cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (bytes.length === 0) throw new ImageError('empty', `${label}: the file is empty (0 bytes)`);

  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageError('not_an_image', `${label}: not an image (no known image format in its first bytes)`);
  }
  if (!meta.format || !SUPPORTED_FORMATS.has(meta.format)) {
    throw new ImageError(
      'unsupported',
      `${label}: ${meta.format ?? 'unknown'} images are not supported (use JPEG, PNG or WebP)`,
    );
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > MAX_IMAGE_PIXELS) {
    throw new ImageError(
      'too_large',
      `${label}: ${meta.width}x${meta.height} is ${(pixels / 1e6).toFixed(1)} megapixels; the limit is ${MAX_IMAGE_PIXELS / 1e6}`,
    );
  }
  if (pixels === 0) throw new ImageError('not_an_image', `${label}: the image has no pixels`);

  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: info.channels === 3 ? data : toRgb(data, info.channels), width: info.width, height: info.height };
  } catch (err) {
    throw decodeError(label, meta.format, err as Error);
  }
}

function decodeError(label: string, format: string | undefined, err: Error): ImageError {
  const message = err.message.split('\n')[0];
  if (/premature|truncat|end of (file|stream)|corrupt|unexpected end|short read|damaged/i.test(err.message)) {
    return new ImageError('truncated', `${label}: the image data is truncated or corrupt (${message})`);
  }
  return new ImageError('not_an_image', `${label}: cannot decode the ${format ?? 'unknown'} image (${message})`);
}

/** Repeats grey (1 channel) into RGB; sharp can keep single-band output for greyscale input. */
function toRgb(data: Buffer, channels: number): Buffer {
  const n = data.length / channels;
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) out.fill(data[i * channels]!, i * 3, i * 3 + 3);
  return out;
}

/** Encodes RGB pixels as JPEG (annotated output, evidence crops). */
export async function encodeJpeg(img: DecodedImage, quality = 90): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}
