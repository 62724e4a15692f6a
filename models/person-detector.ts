import type { Config } from '../pipeline/config/index.js';
import type { Box } from '../pipeline/geometry.js';
import { mergeRegionDetections, type RegionDetection, type Size } from '../pipeline/regions.js';
import type { Logger } from '../runtime/logger.js';
import { builtinSession, fileSession } from './families/builtin-model.js';
import { CENTERNET_SIZE, CENTERNET_WIDE, CenternetDetector } from './families/centernet.js';
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
    /** The model's input: regions (tiles, crops) take its shape, so none is shrunk or padded. */
    readonly input: Size,
  ) {}

  static async create(cfg: Config, log?: Logger): Promise<PersonDetector> {
    const c = cfg.models.personDetector;
    let model: PersonDetectorModel;
    let input: Size;
    switch (c.family) {
      case 'centernet':
        input = c.wideInput ? CENTERNET_WIDE : { width: CENTERNET_SIZE, height: CENTERNET_SIZE };
        model = new CenternetDetector(
          await builtinSession(cfg, 'centernet', log),
          c.wideInput ? await builtinSession(cfg, 'centernetWide', log) : null,
        );
        break;
      case 'yolo':
        input = { width: c.inputSize, height: c.inputSize };
        model = new YoloDetector(await fileSession(cfg, c.path), c.inputSize, c.classId);
        break;
      case 'yolox':
        input = { width: c.inputSize, height: c.inputSize };
        model = new YoloxDetector(await fileSession(cfg, c.path), c.inputSize, c.classId);
        break;
    }
    // The first detection runs the sampling code unoptimised (about 100 ms more at 720p):
    // spent here, not on a camera's first frame after a restart.
    await model.detect({ data: Buffer.alloc(WARM_UP.width * WARM_UP.height * 3), ...WARM_UP }, { minScore: 1 });
    return new PersonDetector(model, cfg.detect.personScore, input);
  }

  get family(): string {
    return this.model.family;
  }

  /** People, highest score first, in source pixels; `minScore` defaults to `detect.personScore`. */
  detect(img: DecodedImage, opts: Partial<DetectOptions> = {}): Promise<PersonDetection[]> {
    return this.model.detect(img, { minScore: opts.minScore ?? this.minScore, region: opts.region });
  }

  /**
   * People in several regions of one image (pipeline/regions.ts), merged without double
   * counting; `tracks` are the live tracks' predicted boxes (two people each fitting their
   * own track stay two). No regions: the whole image.
   */
  async detectRegions(
    img: DecodedImage,
    regions: readonly Box[] | undefined,
    opts: Partial<DetectOptions> & { tracks?: Box[] } = {},
  ): Promise<PersonDetection[]> {
    if (!regions || regions.length <= 1) return this.detect(img, { ...opts, region: regions?.[0] });
    const perRegion = await Promise.all(regions.map((region) => this.detect(img, { ...opts, region })));
    const all: RegionDetection[] = perRegion.flatMap((dets, region) => dets.map((d) => ({ ...d, region })));
    return mergeRegionDetections(all, { tracks: opts.tracks });
  }
}
