import type { Affine } from '../../pipeline/face-alignment.js';
import type { Box, Point } from '../../pipeline/geometry.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession, TensorData } from '../session.js';

/** How a model wants its input pixels laid out and scaled. */
export interface InputSpec {
  width: number;
  height: number;
  layout: 'nchw' | 'nhwc';
  order: 'rgb' | 'bgr';
  /** Per-channel (in `order`) value subtracted from the 0-255 pixel, then divided by `std`. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** 0-255 value of pixels outside the source image (letterbox bars, crops past the border). */
  fill: number;
}

/** Square NHWC input of raw 0-255 RGB: the TF.js-derived models, whose normalisation is inside the graph. */
export const rawRgbNhwc = (size: number): InputSpec => ({
  width: size,
  height: size,
  layout: 'nhwc',
  order: 'rgb',
  mean: [0, 0, 0],
  std: [1, 1, 1],
  fill: 0,
});

/** Where each of the 3 output channels lands: index = offset + pixel * pixelStride + k * channelStride. */
interface ChannelLayout {
  /** Source channel (0 R, 1 G, 2 B) of output channel k. */
  chan: [number, number, number];
  mean: readonly [number, number, number];
  scale: [number, number, number];
  fillValues: [number, number, number];
  pixelStride: number;
  channelStride: number;
}

function channelLayout(spec: InputSpec): ChannelLayout {
  const nchw = spec.layout === 'nchw';
  const chan: [number, number, number] = spec.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const scale = spec.std.map((s) => 1 / s) as [number, number, number];
  const fillValues = chan.map((_, k) => (spec.fill - spec.mean[k]!) * scale[k]!) as [number, number, number];
  return {
    chan,
    mean: spec.mean,
    scale,
    fillValues,
    pixelStride: nchw ? 1 : 3,
    channelStride: nchw ? spec.width * spec.height : 1,
  };
}

/**
 * Samples `img` into a float tensor: output pixel (u, v) reads the source at
 * `toSource(u, v)` bilinearly (TF's legacy resize convention: no half-pixel offset,
 * which the TF.js-trained models saw). Writes into `out` at `offset` (batching).
 * Letterboxes and crops (no rotation) take a separable path with the same arithmetic:
 * it is the detector's per-frame cost, 2-3x cheaper than sampling each pixel afresh.
 */
export function sampleToTensor(
  img: DecodedImage,
  toSource: Affine,
  spec: InputSpec,
  out = new Float32Array(spec.width * spec.height * 3),
  offset = 0,
): Float32Array {
  const layout = channelLayout(spec);
  if (toSource[1] === 0 && toSource[3] === 0) sampleAxisAligned(img, toSource, spec, layout, out, offset);
  else sampleRotated(img, toSource, spec, layout, out, offset);
  return out;
}

/** Any affine (aligned faces): source position computed per output pixel. */
function sampleRotated(
  img: DecodedImage,
  toSource: Affine,
  spec: InputSpec,
  layout: ChannelLayout,
  out: Float32Array,
  offset: number,
): void {
  const { width: W, height: H, data } = img;
  const { chan, mean, scale, fillValues, pixelStride, channelStride } = layout;
  const [a, b, c, d, e, f] = toSource;
  for (let v = 0; v < spec.height; v++) {
    for (let u = 0; u < spec.width; u++) {
      const x = a * u + b * v + c;
      const y = d * u + e * v + f;
      const o = offset + (v * spec.width + u) * pixelStride;
      if (x < -0.5 || y < -0.5 || x > W - 0.5 || y > H - 0.5) {
        for (let k = 0; k < 3; k++) out[o + k * channelStride] = fillValues[k]!;
        continue;
      }
      const xc = Math.min(Math.max(x, 0), W - 1);
      const yc = Math.min(Math.max(y, 0), H - 1);
      const x0 = Math.floor(xc),
        y0 = Math.floor(yc);
      const x1 = Math.min(x0 + 1, W - 1),
        y1 = Math.min(y0 + 1, H - 1);
      const fx = xc - x0,
        fy = yc - y0;
      const i00 = (y0 * W + x0) * 3,
        i01 = (y0 * W + x1) * 3,
        i10 = (y1 * W + x0) * 3,
        i11 = (y1 * W + x1) * 3;
      for (let k = 0; k < 3; k++) {
        const ch = chan[k]!;
        const top = data[i00 + ch]! + (data[i01 + ch]! - data[i00 + ch]!) * fx;
        const bottom = data[i10 + ch]! + (data[i11 + ch]! - data[i10 + ch]!) * fx;
        out[o + k * channelStride] = (top + (bottom - top) * fy - mean[k]!) * scale[k]!;
      }
    }
  }
}

/**
 * Source columns (or rows) of each output column (row): byte offsets of both neighbours
 * and the weight. The outputs that read inside the source form one run [first, end): the
 * mapping is linear, so the rest are bars.
 */
function axisTable(n: number, scale: number, shift: number, size: number, stride: number) {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const frac = new Float64Array(n);
  let first = n;
  let end = n;
  for (let i = 0; i < n; i++) {
    const p = scale * i + shift;
    if (p < -0.5 || p > size - 0.5) {
      if (first < n && end === n) end = i;
      continue;
    }
    if (first === n) first = i;
    const pc = Math.min(Math.max(p, 0), size - 1);
    const p0 = Math.floor(pc);
    lo[i] = p0 * stride;
    hi[i] = Math.min(p0 + 1, size - 1) * stride;
    frac[i] = pc - p0;
  }
  return { lo, hi, frac, first, end };
}

function sampleAxisAligned(
  img: DecodedImage,
  toSource: Affine,
  spec: InputSpec,
  layout: ChannelLayout,
  out: Float32Array,
  offset: number,
): void {
  const { width: W, height: H, data } = img;
  const { pixelStride, channelStride } = layout;
  const cols = axisTable(spec.width, toSource[0], toSource[2], W, 3);
  const rows = axisTable(spec.height, toSource[4], toSource[5], H, W * 3);
  // Channel constants in locals, channels unrolled, bars filled outside the loop: this
  // loop is the detector's per-frame cost (per-pixel tuple lookups made it 40% slower,
  // a per-pixel inside test another 25%).
  const [ch0, ch1, ch2] = layout.chan;
  const [m0, m1, m2] = layout.mean;
  const [s0, s1, s2] = layout.scale;
  const [f0, f1, f2] = layout.fillValues;
  const cs1 = channelStride,
    cs2 = 2 * channelStride;
  const { lo: colLo, hi: colHi, frac: colFrac } = cols;
  // The person detector's input (raw 0-255 RGB, NHWC) skips the no-op normalisation.
  const raw =
    pixelStride === 3 &&
    cs1 === 1 &&
    ch0 === 0 &&
    ch1 === 1 &&
    ch2 === 2 &&
    [m0, m1, m2, s0 - 1, s1 - 1, s2 - 1].every((x) => x === 0);
  const fill = (from: number, to: number, o: number) => {
    for (let u = from; u < to; u++, o += pixelStride) {
      out[o] = f0;
      out[o + cs1] = f1;
      out[o + cs2] = f2;
    }
  };
  for (let v = 0; v < spec.height; v++) {
    const rowStart = offset + v * spec.width * pixelStride;
    if (v < rows.first || v >= rows.end) {
      fill(0, spec.width, rowStart);
      continue;
    }
    fill(0, cols.first, rowStart);
    fill(cols.end, spec.width, rowStart + cols.end * pixelStride);
    const r0 = rows.lo[v]!,
      r1 = rows.hi[v]!,
      fy = rows.frac[v]!;
    let o = rowStart + cols.first * pixelStride;
    if (raw) {
      rawRgbRow(data, out, o, r0, r1, fy, colLo, colHi, colFrac, cols.first, cols.end);
      continue;
    }
    for (let u = cols.first; u < cols.end; u++, o += pixelStride) {
      const c0 = colLo[u]!,
        c1 = colHi[u]!,
        fx = colFrac[u]!;
      const i00 = r0 + c0,
        i01 = r0 + c1,
        i10 = r1 + c0,
        i11 = r1 + c1;
      let top = data[i00 + ch0]! + (data[i01 + ch0]! - data[i00 + ch0]!) * fx;
      let bottom = data[i10 + ch0]! + (data[i11 + ch0]! - data[i10 + ch0]!) * fx;
      out[o] = (top + (bottom - top) * fy - m0) * s0;
      top = data[i00 + ch1]! + (data[i01 + ch1]! - data[i00 + ch1]!) * fx;
      bottom = data[i10 + ch1]! + (data[i11 + ch1]! - data[i10 + ch1]!) * fx;
      out[o + cs1] = (top + (bottom - top) * fy - m1) * s1;
      top = data[i00 + ch2]! + (data[i01 + ch2]! - data[i00 + ch2]!) * fx;
      bottom = data[i10 + ch2]! + (data[i11 + ch2]! - data[i10 + ch2]!) * fx;
      out[o + cs2] = (top + (bottom - top) * fy - m2) * s2;
    }
  }
}

/** One output row of raw RGB NHWC: the arithmetic of the general loop, minus `- 0` and `* 1`. */
function rawRgbRow(
  data: Uint8Array,
  out: Float32Array,
  o: number,
  r0: number,
  r1: number,
  fy: number,
  colLo: Int32Array,
  colHi: Int32Array,
  colFrac: Float64Array,
  first: number,
  end: number,
): void {
  for (let u = first; u < end; u++, o += 3) {
    const fx = colFrac[u]!;
    const i00 = r0 + colLo[u]!,
      i01 = r0 + colHi[u]!,
      i10 = r1 + colLo[u]!,
      i11 = r1 + colHi[u]!;
    let top = data[i00]! + (data[i01]! - data[i00]!) * fx;
    let bottom = data[i10]! + (data[i11]! - data[i10]!) * fx;
    out[o] = top + (bottom - top) * fy;
    top = data[i00 + 1]! + (data[i01 + 1]! - data[i00 + 1]!) * fx;
    bottom = data[i10 + 1]! + (data[i11 + 1]! - data[i10 + 1]!) * fx;
    out[o + 1] = top + (bottom - top) * fy;
    top = data[i00 + 2]! + (data[i01 + 2]! - data[i00 + 2]!) * fx;
    bottom = data[i10 + 2]! + (data[i11 + 2]! - data[i10 + 2]!) * fx;
    out[o + 2] = top + (bottom - top) * fy;
  }
}

/** Where the source image lands in a model input, and the way back. */
export interface Placement {
  /** Model-input pixel -> source pixel. */
  toSource: Affine;
  /** Maps a model-input point back to source pixels. */
  point(p: Point): Point;
  box(b: Box): Box;
}

export function placement(toSource: Affine): Placement {
  const [a, , c, , e, f] = toSource;
  return {
    toSource,
    point: (p) => [a * p[0] + c, e * p[1] + f],
    box: (bx) => [a * bx[0] + c, e * bx[1] + f, a * bx[2] + c, e * bx[3] + f],
  };
}

/**
 * How a source region fits a model input:
 * - `stretch`: resized to fill it (aspect ratio not kept);
 * - `center`: scaled to fit, bars on both sides (YOLOv8 letterbox);
 * - `topleft`: scaled to fit, bars right/bottom (YOLOX, YuNet, SCRFD).
 * `region` defaults to the whole image; the region may extend past the image (padding).
 */
export function fitRegion(
  region: Box,
  input: { width: number; height: number },
  mode: 'stretch' | 'center' | 'topleft',
): Placement {
  const rw = region[2] - region[0],
    rh = region[3] - region[1];
  if (mode === 'stretch') return placement([rw / input.width, 0, region[0], 0, rh / input.height, region[1]]);
  const s = Math.max(rw / input.width, rh / input.height);
  const padX = mode === 'center' ? (input.width * s - rw) / 2 : 0;
  const padY = mode === 'center' ? (input.height * s - rh) / 2 : 0;
  return placement([s, 0, region[0] - padX, 0, s, region[1] - padY]);
}

export const wholeImage = (img: { width: number; height: number }): Box => [0, 0, img.width, img.height];

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * One image region through a single-input model: fitted into the input (`mode`),
 * sampled per `spec`, run. Returns the outputs and the placement that maps the
 * model's boxes back to source pixels.
 */
export async function runFitted(
  session: ModelSession,
  img: DecodedImage,
  region: Box,
  spec: InputSpec,
  mode: 'stretch' | 'center' | 'topleft',
  /** The outputs to return (default: all). */
  outputs?: string[],
): Promise<{ out: Record<string, TensorData>; place: Placement }> {
  const place = fitRegion(region, spec, mode);
  const data = sampleToTensor(img, place.toSource, spec, session.inputArray(spec.width * spec.height * 3));
  const dims = spec.layout === 'nchw' ? [1, 3, spec.height, spec.width] : [1, spec.height, spec.width, 3];
  const out = await session.run({ [session.inputs[0]!.name]: { data, dims } }, { transferInputs: true, outputs });
  return { out, place };
}
