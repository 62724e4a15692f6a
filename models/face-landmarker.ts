import type { Config } from '../pipeline/config/index.js';
import type { Point } from '../pipeline/geometry.js';
import type { Logger } from '../runtime/logger.js';
import { builtinSession } from './families/builtin-model.js';
import { FaceapiLandmarker, landmarkCrop } from './families/faceapi-landmarks.js';
import type { FaceDetection } from './families/types.js';
import type { DecodedImage } from './image.js';

/** 68 facial landmarks (iBUG layout, source pixels) per detected face, batched. */
export class FaceLandmarker {
  private constructor(
    private readonly model: FaceapiLandmarker,
    private readonly cropScale: number,
  ) {}

  static async create(cfg: Config, log?: Logger): Promise<FaceLandmarker> {
    return new FaceLandmarker(
      new FaceapiLandmarker(await builtinSession(cfg, 'faceLandmark68', log)),
      cfg.models.landmarkCropScale,
    );
  }

  landmarks(img: DecodedImage, faces: readonly FaceDetection[]): Promise<Point[][]> {
    return this.model.landmarks(
      img,
      faces.map((f) => landmarkCrop(f.box, this.cropScale)),
    );
  }
}
