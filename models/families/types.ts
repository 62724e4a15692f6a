import type { Box, Point } from '../../pipeline/geometry.js';
import type { DecodedImage } from '../image.js';
import type { TensorData } from '../session.js';

export interface PersonDetection {
  /** Source-image pixels. */
  box: Box;
  score: number;
}

export interface FaceDetection {
  /** Source-image pixels, roughly forehead to chin. */
  box: Box;
  score: number;
  /**
   * Source-image pixels, image-left first. Five-point families (YuNet, SCRFD, RetinaFace):
   * eyes, nose tip, mouth corners (ArcFace order). BlazeFace: eyes, nose tip, mouth centre, ears.
   */
  keypoints: Point[];
}

export interface DetectOptions {
  /** Detections scoring below this are dropped. */
  minScore: number;
  /** Look only inside this source region (e.g. a person's head area). */
  region?: Box;
}

/** A person-detector family: pre-processing, model run and decoding in one object. */
export interface PersonDetectorModel {
  readonly family: string;
  detect(img: DecodedImage, opts: DetectOptions): Promise<PersonDetection[]>;
}

export interface FaceDetectorModel {
  readonly family: string;
  detect(img: DecodedImage, opts: DetectOptions): Promise<FaceDetection[]>;
}

/** Finds a model output by its shape when names vary between exports; `what` names it in the error. */
export function outputByShape(
  outputs: Record<string, TensorData>,
  what: string,
  match: (dims: number[]) => boolean,
): TensorData {
  const found = Object.values(outputs).find((t) => match(t.dims));
  if (!found) {
    const shapes = Object.entries(outputs)
      .map(([n, t]) => `${n} [${t.dims.join(',')}]`)
      .join(', ');
    throw new ModelLayoutError(`no ${what} output among ${shapes}`);
  }
  return found;
}

/** The model's inputs or outputs are not laid out as its family expects. */
export class ModelLayoutError extends Error {
  override name = 'ModelLayoutError';
}
