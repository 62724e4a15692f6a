/**
 * Real photos made to look like CCTV: the face scaled to a target width (20-96 px),
 * then one of five camera degradations (blur, motion blur, JPEG compression), and
 * described by the face chain the way the identify worker does (faces found in the
 * region around the head, at whatever size they come).
 */
import sharp from 'sharp';
import type { DecodedImage, DescribedFace, FaceChain } from '../../models/index.js';
import type { Box } from '../../pipeline/geometry.js';

/** Face widths (detector box, px) of the CCTV probes. */
export const PROBE_WIDTHS = [20, 24, 32, 40, 48, 64, 80, 96] as const;

/** What a camera does to a face: each probe track holds one frame of each. */
export const VARIANTS = [
  { id: 'clean', blur: 0, motion: 0, jpeg: 85 },
  { id: 'blur', blur: 0.8, motion: 0, jpeg: 60 },
  { id: 'motion', blur: 0, motion: 5, jpeg: 50 },
  { id: 'jpeg', blur: 0, motion: 0, jpeg: 25 },
  { id: 'blur+jpeg', blur: 1.2, motion: 0, jpeg: 35 },
] as const;
export type Variant = (typeof VARIANTS)[number];

/** The region around a face that a head region at CCTV scale would hold (1.5 face widths each side). */
function context(img: DecodedImage, face: Box): { left: number; top: number; width: number; height: number } {
  const w = face[2] - face[0];
  const cx = (face[0] + face[2]) / 2;
  const cy = (face[1] + face[3]) / 2;
  const left = Math.max(0, Math.round(cx - 1.5 * w));
  const top = Math.max(0, Math.round(cy - 1.5 * w));
  return {
    left,
    top,
    width: Math.min(img.width, Math.round(cx + 1.5 * w)) - left,
    height: Math.min(img.height, Math.round(cy + 1.5 * w)) - top,
  };
}

/** The face of `img` at `box`, scaled so the face is `width` px wide, degraded as `v`. */
export async function cctvFrame(img: DecodedImage, face: Box, width: number, v: Variant): Promise<DecodedImage> {
  const region = context(img, face);
  const scale = width / (face[2] - face[0]);
  let pipe = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .extract(region)
    .resize(Math.max(8, Math.round(region.width * scale)), Math.max(8, Math.round(region.height * scale)), {
      kernel: 'linear',
    });
  if (v.blur > 0) pipe = sharp(await pipe.png().toBuffer()).blur(0.3 + v.blur);
  if (v.motion > 0) {
    const kernel = Array.from({ length: v.motion * 3 }, (_, i) => (Math.floor(i / v.motion) === 1 ? 1 : 0));
    pipe = sharp(await pipe.png().toBuffer()).convolve({ width: v.motion, height: 3, kernel, scale: v.motion });
  }
  const jpeg = await pipe.jpeg({ quality: v.jpeg }).toBuffer();
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The largest face the chain finds in a frame, or null (the detector missed it). */
export async function describeLargest(chain: FaceChain, img: DecodedImage): Promise<DescribedFace | null> {
  const faces = await chain.describeAll(img);
  const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
  return faces.sort((a, b) => area(b.face.box) - area(a.face.box))[0] ?? null;
}
