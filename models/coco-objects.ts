import type { Config } from '../pipeline/config/index.js';
import type { Box } from '../pipeline/geometry.js';
import type { Logger } from '../runtime/logger.js';
import { builtinSession } from './families/builtin-model.js';
import { CENTERNET_SIZE, detectionsOutput } from './families/centernet.js';
import { rawRgbNhwc, runFitted, wholeImage } from './families/input-tensor.js';
import { outputByShape } from './families/types.js';
import type { DecodedImage } from './image.js';
import type { ModelSession } from './session.js';

/** COCO class ids (0-based, CenterNet's order) of the animals a face detector mistakes for people. */
export const ANIMAL_CLASSES: Readonly<Record<number, string>> = Object.freeze({
  14: 'bird',
  15: 'cat',
  16: 'dog',
  17: 'horse',
  18: 'sheep',
  19: 'cow',
  20: 'elephant',
  21: 'bear',
  22: 'zebra',
  23: 'giraffe',
  77: 'teddy bear',
});
export const PERSON_CLASS = 0;

export interface CocoObject {
  box: Box;
  score: number;
  classId: number;
}

/**
 * Every COCO object CenterNet (the person detector the project ships) finds in a photo,
 * whatever its class: the enrolment gate asks it whether a face sits on an animal.
 * Runs the square 512x512 variant, letterboxed, like person detection.
 */
export class CocoObjectDetector {
  private constructor(private readonly session: ModelSession) {}

  static async create(cfg: Config, log?: Logger): Promise<CocoObjectDetector> {
    return new CocoObjectDetector(await builtinSession(cfg, 'centernet', log));
  }

  async detect(img: DecodedImage, minScore: number): Promise<CocoObject[]> {
    const { out, place } = await runFitted(
      this.session,
      img,
      wholeImage(img),
      rawRgbNhwc(CENTERNET_SIZE),
      'center',
      detectionsOutput(this.session),
    );
    const det = outputByShape(out, 'CenterNet detections [1,K,6]', (d) => d.length === 3 && d[2] === 6).data;
    const found: CocoObject[] = [];
    for (let i = 0; i + 6 <= det.length; i += 6) {
      const score = det[i + 4]!;
      if (!(score >= minScore)) continue;
      found.push({ box: place.box([det[i]!, det[i + 1]!, det[i + 2]!, det[i + 3]!]), score, classId: det[i + 5]! });
    }
    return found;
  }
}
