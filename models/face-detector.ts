import type { Config } from '../pipeline/config/index.js';
import type { Logger } from '../runtime/logger.js';
import { BlazefaceDetector } from './families/blazeface.js';
import { builtinSession, fileSession } from './families/builtin-model.js';
import { RetinafaceDetector } from './families/retinaface.js';
import { ScrfdDetector } from './families/scrfd.js';
import type { DetectOptions, FaceDetection, FaceDetectorModel } from './families/types.js';
import { YunetDetector } from './families/yunet.js';
import type { DecodedImage } from './image.js';

/** Finds faces with the family chosen in `models.faceDetector`. */
export class FaceDetector {
  private constructor(
    private readonly model: FaceDetectorModel,
    private readonly minScore: number,
  ) {}

  static async create(cfg: Config, log?: Logger): Promise<FaceDetector> {
    const c = cfg.models.faceDetector;
    let model: FaceDetectorModel;
    switch (c.family) {
      case 'blazeface':
        model = new BlazefaceDetector(await builtinSession(cfg, 'blazeface', log));
        break;
      case 'yunet':
        model = new YunetDetector(await fileSession(cfg, c.path), c.inputSize);
        break;
      case 'scrfd':
        model = new ScrfdDetector(await fileSession(cfg, c.path), c.inputSize);
        break;
      case 'retinaface':
        model = new RetinafaceDetector(await fileSession(cfg, c.path), c.inputSize);
        break;
    }
    return new FaceDetector(model, cfg.identify.faceScore);
  }

  get family(): string {
    return this.model.family;
  }

  /** Faces, highest score first, in source pixels; `minScore` defaults to `identify.faceScore`. */
  detect(img: DecodedImage, opts: Partial<DetectOptions> = {}): Promise<FaceDetection[]> {
    return this.model.detect(img, { minScore: opts.minScore ?? this.minScore, region: opts.region });
  }
}
