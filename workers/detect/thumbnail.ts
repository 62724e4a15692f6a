import { MOTION_THUMB } from '../../pipeline/motion-gate.js';
import type { DecodedImage } from '../../models/index.js';

/**
 * The motion gate's greyscale thumbnail (BT.601 luma, cell averages) of a decoded frame.
 * A cell is sampled on a grid of at most ~8x8 points: a 720p frame's 20x20-pixel cells
 * need no more to average out noise, and the gate stays well under a millisecond.
 */
export function motionThumbnail(img: DecodedImage): Uint8Array {
  const { width: W, height: H, data } = img;
  const { width: TW, height: TH } = MOTION_THUMB;
  const out = new Uint8Array(TW * TH);
  const stepX = Math.max(1, Math.ceil(W / TW / 8));
  const stepY = Math.max(1, Math.ceil(H / TH / 8));
  for (let ty = 0; ty < TH; ty++) {
    const y0 = Math.floor((ty * H) / TH);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * H) / TH));
    for (let tx = 0; tx < TW; tx++) {
      const x0 = Math.floor((tx * W) / TW);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * W) / TW));
      let sum = 0;
      let n = 0;
      for (let y = y0; y < y1; y += stepY) {
        for (let x = x0, i = (y * W + x0) * 3; x < x1; x += stepX, i += 3 * stepX) {
          sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
          n++;
        }
      }
      out[ty * TW + tx] = Math.round(sum / n);
    }
  }
  return out;
}
