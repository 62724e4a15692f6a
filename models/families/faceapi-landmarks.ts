import type { Affine } from '../../pipeline/face-alignment.js';
import type { Box, Point } from '../../pipeline/geometry.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { runCrops } from './embedder.js';
import { rawRgbNhwc, type InputSpec } from './input-tensor.js';
import { outputByShape } from './types.js';

export const LANDMARK_SIZE = 112;

/** Square crop (LANDMARK_SIZE px) centred on a face box, its side `scale` x the box's longer side. */
export function landmarkCrop(box: Box, scale: number): Affine {
  const side = Math.max(box[2] - box[0], box[3] - box[1]) * scale;
  const cx = (box[0] + box[2]) / 2,
    cy = (box[1] + box[3]) / 2;
  const k = side / LANDMARK_SIZE;
  return [k, 0, cx - side / 2, 0, k, cy - side / 2];
}

/**
 * face-api's faceLandmark68Net built as ONNX: 112x112 RGB 0-255 in, `landmarks`
 * [N, 136] out (x, y interleaved, relative to the crop). Returns source pixels.
 */
export class FaceapiLandmarker {
  readonly family = 'faceapi-landmarks';
  private readonly spec: InputSpec = rawRgbNhwc(LANDMARK_SIZE);

  constructor(private readonly session: ModelSession) {}

  async landmarks(img: DecodedImage, crops: readonly Affine[]): Promise<Point[][]> {
    const rows = await runCrops(
      this.session,
      img,
      crops,
      this.spec,
      (out) => out.landmarks ?? outputByShape(out, 'face-api landmarks [N,136]', (d) => d.at(-1) === 136),
    );
    return rows.map((rel, i) => {
      const [a, b, c, d, e, f] = crops[i]!;
      const pts: Point[] = [];
      for (let k = 0; k < 68; k++) {
        const u = rel[2 * k]! * LANDMARK_SIZE,
          v = rel[2 * k + 1]! * LANDMARK_SIZE;
        pts.push([a * u + b * v + c, d * u + e * v + f]);
      }
      return pts;
    });
  }
}
