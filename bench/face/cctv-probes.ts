/**
 * Real photos made to look like CCTV: the face scaled to a target width (20-96 px),
 * then one of five camera degradations (blur, motion blur, JPEG compression) or night, and
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
/**
 * A camera at night, as the night fixture renders it (fixtures/generator/specs.ts): 30% gain, contrast 0.6 around
 * mid-grey, sensor noise of sigma 6 (a different draw per frame), then JPEG. A night track is five such frames.
 */
export const NIGHT_VARIANTS = [1, 2, 3, 4, 5].map((seed) => ({
  id: `night-${seed}`,
  blur: 0,
  motion: 0,
  jpeg: 60,
  night: { gain: 0.3, contrast: 0.6, noiseSigma: 6, seed },
}));

export type Variant = (typeof VARIANTS)[number] | (typeof NIGHT_VARIANTS)[number];

/** Seeded normal samples (Box-Muller over mulberry32): the same noise on every run. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Dim, flatten and add sensor noise to raw RGB (one noise sample per pixel, as a sensor's luma noise). */
function nightLight(rgb: Buffer, n: { gain: number; contrast: number; noiseSigma: number; seed: number }): Buffer {
  const noise = normals(n.seed);
  const out = Buffer.alloc(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const add = noise() * n.noiseSigma;
    for (let c = 0; c < 3; c++) {
      const v = ((rgb[i + c]! - 128) * n.contrast + 128) * n.gain + add;
      out[i + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return out;
}

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
  if ('night' in v) {
    const { data, info } = await pipe.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    pipe = sharp(nightLight(data, v.night), { raw: { width: info.width, height: info.height, channels: 3 } });
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
