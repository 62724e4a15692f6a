import type { Config } from '../pipeline/config/index.js';
import type { Logger } from '../runtime/logger.js';
import { builtinSession, fileSession } from './families/builtin-model.js';
import { CenternetDetector } from './families/centernet.js';
import type { DetectOptions, PersonDetection, PersonDetectorModel } from './families/types.js';
import { YoloDetector } from './families/yolo.js';
import { YoloxDetector } from './families/yolox.js';
import type { DecodedImage } from './image.js';

/** A blank frame of ingest's default size, detected once at start-up. */
const WARM_UP = { width: 1280, height: 720 };

/** Finds people in an image with the family chosen in `models.personDetector`. */
export class PersonDetector {
  private constructor(
    private readonly model: PersonDetectorModel,
    private readonly minScore: number,
  ) {}

  static async create(cfg: Config, log?: Logger): Promise<PersonDetector> {
    const c = cfg.models.personDetector;
    let model: PersonDetectorModel;
    switch (c.family) {
      case 'centernet':
        model = new CenternetDetector(
          await builtinSession(cfg, 'centernet', log),
          c.wideInput ? await builtinSession(cfg, 'centernetWide', log) : null,
        );
        break;
      case 'yolo':
        model = new YoloDetector(await fileSession(cfg, c.path), c.inputSize, c.classId);
        break;
      case 'yolox':
        model = new YoloxDetector(await fileSession(cfg, c.path), c.inputSize, c.classId);
        break;
    }
    // The first detection runs the sampling code unoptimised (about 100 ms more at 720p):
    // spent here, not on a camera's first frame after a restart.
    await model.detect({ data: Buffer.alloc(WARM_UP.width * WARM_UP.height * 3), ...WARM_UP }, { minScore: 1 });
    return new PersonDetector(model, cfg.detect.personScore);
  }

  get family(): string {
    return this.model.family;
  }

  /** People, highest score first, in source pixels; `minScore` defaults to `detect.personScore`. */
  detect(img: DecodedImage, opts: Partial<DetectOptions> = {}): Promise<PersonDetection[]> {
    return this.model.detect(img, { minScore: opts.minScore ?? this.minScore, region: opts.region });
  }
}
