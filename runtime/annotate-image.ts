import sharp from 'sharp';
import type { Box } from '../pipeline/geometry.js';

/** Raw RGB pixels, 3 bytes a pixel (models' DecodedImage). */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface Annotation {
  box: Box;
  label: string;
  /** person boxes blue, known faces red, unknown faces yellow, regions the detector examined dashed green */
  kind: 'person' | 'known' | 'unknown' | 'region';
}

const COLOURS = { person: '#3b82f6', known: '#ef4444', unknown: '#facc15', region: '#22c55e' } as const;

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Writes the image as JPEG with labelled boxes drawn on it. */
export async function writeAnnotated(img: RgbImage, annotations: Annotation[], path: string): Promise<void> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .composite([{ input: overlay(img, annotations), top: 0, left: 0 }])
    .jpeg({ quality: 90 })
    .toFile(path);
}

/** A JPEG (camera frame) with labelled boxes drawn on it, as JPEG; `size` is read from the JPEG when not given. */
export async function annotateJpeg(
  jpeg: Buffer,
  size: { width: number; height: number } | null,
  annotations: Annotation[],
): Promise<Buffer> {
  const meta = size ?? (await sharp(jpeg).metadata());
  return sharp(jpeg)
    .composite([{ input: overlay({ width: meta.width ?? 0, height: meta.height ?? 0 }, annotations), top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** The boxes and labels as an SVG the size of the image (line width and font scale with it). */
function overlay(img: { width: number; height: number }, annotations: Annotation[]): Buffer {
  const stroke = Math.max(2, Math.round(Math.max(img.width, img.height) / 400));
  const font = Math.max(12, stroke * 7);
  const shapes = annotations.map(({ box: [x1, y1, x2, y2], label, kind }) => {
    const colour = COLOURS[kind];
    const ty = y1 - stroke > font ? y1 - stroke * 2 : y2 + font + stroke;
    const dash = kind === 'region' ? ` stroke-dasharray="${stroke * 4},${stroke * 3}"` : '';
    const rect =
      `<rect x="${x1}" y="${y1}" width="${Math.max(1, x2 - x1)}" height="${Math.max(1, y2 - y1)}" fill="none" ` +
      `stroke="${colour}" stroke-width="${stroke}"${dash}/>`;
    if (!label) return rect;
    return (
      `${rect}<text x="${x1}" y="${ty}" font-family="sans-serif" font-size="${font}" fill="${colour}" stroke="#000" ` +
      `stroke-width="${stroke / 3}" paint-order="stroke">${escapeXml(label)}</text>`
    );
  });
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${img.width}" height="${img.height}">${shapes.join('')}</svg>`,
  );
}

/** For several images, `out.jpg` becomes `out-1.jpg`, `out-2.jpg`, ... in argument order. */
export function annotatedPath(out: string, index: number, count: number): string {
  if (count === 1) return out;
  const dot = out.lastIndexOf('.');
  const slash = out.lastIndexOf('/');
  return dot > slash ? `${out.slice(0, dot)}-${index + 1}${out.slice(dot)}` : `${out}-${index + 1}.jpg`;
}
