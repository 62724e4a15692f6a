import type { Config } from '../pipeline/config/index.js';
import {
  arcfaceTransform,
  faceCropTransform,
  fivePointsFrom68,
  type Affine,
  type AlignmentMode,
} from '../pipeline/face-alignment.js';
import type { Point } from '../pipeline/geometry.js';
import type { Logger } from '../runtime/logger.js';
import { ArcfaceEmbedder } from './families/arcface.js';
import { builtinSession, fileSession } from './families/builtin-model.js';
import type { FaceEmbedderModel } from './families/embedder.js';
import { FaceapiDescriptor } from './families/faceapi-descriptor.js';
import { FaceresDescriptor } from './families/faceres.js';
import type { DecodedImage } from './image.js';

/** What the aligner knows about one face: 68 landmarks, and five points when the detector gives them. */
export interface FaceGeometry {
  landmarks68?: Point[];
  fivePoints?: Point[];
}

/** The embedder needs landmarks that were not provided. */
export class MissingLandmarksError extends Error {
  override name = 'MissingLandmarksError';
}

/** Aligned face crops to L2-normalised descriptors, with the family chosen in `models.faceEmbedder`. */
export class FaceEmbedder {
  private constructor(
    private readonly model: FaceEmbedderModel,
    private readonly alignment: AlignmentMode,
    /** Distance below which two descriptors are one person (config override or the family's measured default). */
    readonly matchThreshold: number,
  ) {}

  static async create(cfg: Config, log?: Logger, overrides: { alignment?: AlignmentMode } = {}): Promise<FaceEmbedder> {
    const c = cfg.models.faceEmbedder;
    let model: FaceEmbedderModel;
    switch (c.family) {
      case 'faceapi':
        model = new FaceapiDescriptor(await builtinSession(cfg, 'faceRecognition', log));
        break;
      case 'faceres':
        model = new FaceresDescriptor(await builtinSession(cfg, 'faceres', log));
        break;
      case 'arcface':
        model = new ArcfaceEmbedder(await fileSession(cfg, c.path), c.normalization);
        break;
    }
    return new FaceEmbedder(
      model,
      overrides.alignment ?? cfg.models.alignment,
      c.matchThreshold ?? model.defaultThreshold,
    );
  }

  /** e.g. 'faceapi-128'; stored with enrolled descriptors (other embedders' descriptors are not comparable). */
  get id(): string {
    return this.model.id;
  }

  /** Whether `cropFor` needs 68 landmarks (face-api, faceres) or five points suffice (ArcFace). */
  get needsLandmarks68(): boolean {
    return this.model.framing === 'landmarks68';
  }

  /** Crop-pixel -> source-pixel map of the aligned crop this embedder takes. */
  cropFor(face: FaceGeometry): Affine {
    if (this.model.framing === 'five-point') {
      const five = face.fivePoints ?? (face.landmarks68 && fivePointsFrom68(face.landmarks68));
      if (!five) throw new MissingLandmarksError(`${this.id} needs five facial points or 68 landmarks`);
      return arcfaceTransform(five, this.model.cropSize);
    }
    if (!face.landmarks68) throw new MissingLandmarksError(`${this.id} needs 68 landmarks`);
    return faceCropTransform(face.landmarks68, this.model.cropSize, this.alignment);
  }

  get cropSize(): number {
    return this.model.cropSize;
  }

  /** One descriptor per face, in one batch where the model allows. */
  embed(img: DecodedImage, faces: readonly FaceGeometry[]): Promise<Float32Array[]> {
    return this.model.embed(
      img,
      faces.map((f) => this.cropFor(f)),
    );
  }
}
