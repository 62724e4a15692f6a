import type { FaceNormalization } from '../pipeline/config/models.js';
import type { Box } from '../pipeline/geometry.js';
import type { DecodedImage } from './image.js';

/**
 * Photometric normalisation of the pixels around each face before landmarks and descriptor
 * (the same for enrolment photos and camera frames), so that a dim, low-contrast, tinted
 * night face looks more like a daylight photo to the models.
 * - `none`: the pixels as decoded.
 * - `stretch`: per-channel linear stretch of the face's 1st-99th percentiles to 0-255
 *   (contrast and white balance at once).
 * - `luma-stretch`: one linear stretch for all channels from the luminance percentiles (keeps colour).
 * - `grey-world`: channel gains that make the face's channel means equal, then `luma-stretch`.
 * - `equalize`: luminance histogram equalisation over the face, each pixel's RGB scaled alike.
 * - `standardize`: per-channel mean 128 and standard deviation 50 over the face.
 * - `denoise`: a Gaussian blur (sigma 1 px) of the area; `denoise-equalize`: that, then `equalize`.
 */

/** The normalised area around a face, as a multiple of the face box side: covers the landmark and descriptor crops. */
const REGION_SCALE = 2.2;
/** Percentiles clipped by the stretches (sensor noise and specular highlights must not set the range). */
const CLIP = 0.01;
const TARGET_MEAN = 128;
const TARGET_STD = 50;

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

function clampBox(box: Box, scale: number, img: DecodedImage): [number, number, number, number] {
  const cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
  const hw = ((box[2] - box[0]) * scale) / 2, hh = ((box[3] - box[1]) * scale) / 2;
  const x0 = Math.max(0, Math.floor(cx - hw)), y0 = Math.max(0, Math.floor(cy - hh));
  const x1 = Math.min(img.width, Math.ceil(cx + hw)), y1 = Math.min(img.height, Math.ceil(cy + hh));
  return [x0, y0, x1, y1];
}

/** Histograms (256 bins) of R, G, B and luminance over a pixel rectangle. */
function histograms(img: DecodedImage, [x0, y0, x1, y1]: number[]): { ch: Uint32Array[]; y: Uint32Array; n: number } {
  const ch = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const y = new Uint32Array(256);
  const d = img.data;
  for (let row = y0!; row < y1!; row++) {
    for (let col = x0!, i = (row * img.width + x0!) * 3; col < x1!; col++, i += 3) {
      ch[0]![d[i]!]!++;
      ch[1]![d[i + 1]!]!++;
      ch[2]![d[i + 2]!]!++;
      y[Math.round(luma(d[i]!, d[i + 1]!, d[i + 2]!))]!++;
    }
  }
  return { ch, y, n: (x1! - x0!) * (y1! - y0!) };
}

function percentile(h: Uint32Array, n: number, q: number): number {
  const target = q * n;
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += h[v]!;
    if (acc > target) return v;
  }
  return 255;
}

function moments(h: Uint32Array, n: number): { mean: number; std: number } {
  let s = 0, sq = 0;
  for (let v = 0; v < 256; v++) {
    s += v * h[v]!;
    sq += v * v * h[v]!;
  }
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
}

/** Linear map v -> v*gain + offset mapping [lo, hi] to [0, 255]. */
function stretchMap(lo: number, hi: number): [number, number] {
  const gain = 255 / Math.max(hi - lo, 16);
  return [gain, -lo * gain];
}

/** Per-channel lookup tables (or a luminance table, for `equalize`) from the face's statistics. */
type Mapping = { kind: 'channels'; lut: Uint8Array[] } | { kind: 'luma'; lut: Float32Array };

function linearLuts(maps: [number, number][]): Mapping {
  const lut = maps.map(([gain, offset]) => {
    const t = new Uint8Array(256);
    for (let v = 0; v < 256; v++) t[v] = Math.max(0, Math.min(255, Math.round(v * gain + offset)));
    return t;
  });
  return { kind: 'channels', lut };
}

function mappingFor(mode: Exclude<FaceNormalization, 'none' | 'denoise' | 'denoise-equalize' | 'denoise-stretch'>, h: ReturnType<typeof histograms>): Mapping {
  switch (mode) {
    case 'stretch':
      return linearLuts(h.ch.map((c) => stretchMap(percentile(c, h.n, CLIP), percentile(c, h.n, 1 - CLIP))));
    case 'luma-stretch': {
      const m = stretchMap(percentile(h.y, h.n, CLIP), percentile(h.y, h.n, 1 - CLIP));
      return linearLuts([m, m, m]);
    }
    case 'grey-world': {
      const means = h.ch.map((c) => Math.max(moments(c, h.n).mean, 1));
      const grey = (means[0]! + means[1]! + means[2]!) / 3;
      const gains = means.map((m) => grey / m);
      // luminance range after the gains, approximated from the luminance percentiles (gains keep the mean luminance near)
      const [gain, offset] = stretchMap(percentile(h.y, h.n, CLIP), percentile(h.y, h.n, 1 - CLIP));
      return linearLuts(gains.map((g) => [g * gain, offset] as [number, number]));
    }
    case 'standardize':
      return linearLuts(
        h.ch.map((c) => {
          const { mean, std } = moments(c, h.n);
          const gain = TARGET_STD / Math.max(std, 4);
          return [gain, TARGET_MEAN - mean * gain] as [number, number];
        }),
      );
    case 'equalize': {
      const lut = new Float32Array(256);
      let acc = 0;
      for (let v = 0; v < 256; v++) {
        acc += h.y[v]!;
        lut[v] = (255 * acc) / h.n / Math.max(v, 1);
      }
      return { kind: 'luma', lut };
    }
  }
}

const GAUSS = [0.0545, 0.2442, 0.4026, 0.2442, 0.0545];

/** Separable 5-tap Gaussian (sigma 1 px) of a rectangle of `src`, written into `out`. */
function blurRect(src: DecodedImage, out: Buffer, [x0, y0, x1, y1]: number[]): void {
  const w = x1! - x0!, h = y1! - y0!;
  const tmp = new Float32Array(w * h * 3);
  const at = (x: number, y: number, c: number) => src.data[(Math.min(src.height - 1, Math.max(0, y)) * src.width + Math.min(src.width - 1, Math.max(0, x))) * 3 + c]!;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let k = -2; k <= 2; k++) v += GAUSS[k + 2]! * at(x0! + x + k, y0! + y, c);
    tmp[(y * w + x) * 3 + c] = v;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let k = -2; k <= 2; k++) v += GAUSS[k + 2]! * tmp[(Math.min(h - 1, Math.max(0, y + k)) * w + x) * 3 + c]!;
    out[((y0! + y) * src.width + x0! + x) * 3 + c] = Math.round(v);
  }
}

function applyMapping(src: DecodedImage, out: Buffer, m: Mapping, [x0, y0, x1, y1]: number[]): void {
  const d = src.data;
  for (let row = y0!; row < y1!; row++) {
    for (let col = x0!, i = (row * src.width + x0!) * 3; col < x1!; col++, i += 3) {
      if (m.kind === 'channels') {
        out[i] = m.lut[0]![d[i]!]!;
        out[i + 1] = m.lut[1]![d[i + 1]!]!;
        out[i + 2] = m.lut[2]![d[i + 2]!]!;
      } else {
        const k = m.lut[Math.round(luma(d[i]!, d[i + 1]!, d[i + 2]!))]!;
        out[i] = Math.min(255, d[i]! * k);
        out[i + 1] = Math.min(255, d[i + 1]! * k);
        out[i + 2] = Math.min(255, d[i + 2]! * k);
      }
    }
  }
}

/**
 * A copy of `img` in which the area around each face is normalised from that face's own
 * statistics (the detector's box); `img` itself is unchanged. `none` returns `img`.
 */
export function normalizeFaces(img: DecodedImage, faces: readonly Box[], mode: FaceNormalization): DecodedImage {
  if (mode === 'none' || faces.length === 0) return img;
  const data = Buffer.from(img.data);
  for (const box of faces) {
    const stats = clampBox(box, 1, img);
    if (stats[2] <= stats[0] || stats[3] <= stats[1]) continue;
    const h0 = histograms(img, stats);
    if (process.env.NF_GATE && percentile(h0.y, h0.n, 1 - CLIP) - percentile(h0.y, h0.n, CLIP) >= Number(process.env.NF_GATE)) continue;
    const area = clampBox(box, REGION_SCALE, img);
    let src = img;
    let m = mode;
    if (m === 'denoise' || m === 'denoise-equalize' || m === 'denoise-stretch') {
      blurRect(img, data, area);
      if (m === 'denoise') continue;
      src = { data: Buffer.from(data), width: img.width, height: img.height };
      m = m === 'denoise-equalize' ? 'equalize' : 'stretch';
    }
    applyMapping(src, data, mappingFor(m, histograms(src, stats)), area);
  }
  return { data, width: img.width, height: img.height };
}
