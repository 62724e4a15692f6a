import type { Config } from '../pipeline/config/index.js';
import { type FaceMeasures, qualityScore } from '../pipeline/face-quality-rule.js';
import { fivePointsFrom68 } from '../pipeline/face-alignment.js';
import type { Box, Point } from '../pipeline/geometry.js';
import type { Logger } from '../runtime/logger.js';
import { FaceDetector } from './face-detector.js';
import { FaceEmbedder, type FaceGeometry } from './face-embedder.js';
import { FaceLandmarker } from './face-landmarker.js';
import { CocoObjectDetector } from './coco-objects.js';
import {
  animalUnder,
  type EnrolmentRefusalReason,
  enrolmentVerdict,
  OBJECT_SCORE,
  photoAdvice,
} from './enrolment-gate.js';
import { measureFace } from './face-quality.js';
import type { FaceDetection } from './families/types.js';
import type { DecodedImage } from './image.js';
import { denoiseRegions, lowLightFaces } from './low-light.js';

export interface DescribedFace {
  face: FaceDetection;
  descriptor: Float32Array;
  /** What identification quality is judged on (pipeline/face-quality-rule.ts). */
  measures: FaceMeasures;
  /** [0, 1]: size x detector score x sharpness x pose (qualityScore), for display and ranking. */
  quality: number;
  /** 68 landmarks when the chain computed them (source pixels). */
  landmarks?: Point[];
}

export type EnrolmentResult =
  | {
      ok: true;
      face: FaceDetection;
      descriptor: Float32Array;
      quality: number;
      measures: FaceMeasures;
      advice: string[];
    }
  | { ok: false; reason: EnrolmentRefusalReason; message: string; face?: FaceDetection; measures?: FaceMeasures };

/** A second face this much smaller (area share of the largest) is a bystander, not "several faces". */
const ENROL_SECOND_FACE_AREA = 0.25;

/**
 * Face detection -> landmarks -> alignment -> descriptor, as configured in `models`.
 * Default: BlazeFace -> face-api 68 landmarks -> similarity-aligned crop -> face-api
 * 128-d descriptor (euclidean distance, threshold `matchThreshold`).
 *
 * Crops are not photometrically normalised: contrast stretch, grey-world, histogram
 * equalisation, standardisation and denoising around the face were measured (night
 * fixture vs ../shared/data/faces); each cost TAR@FAR0 or added a false accept on the
 * photos and left night distances above the threshold (the night face has lost detail,
 * not only contrast).
 */
export class FaceChain {
  private constructor(
    private readonly detector: FaceDetector,
    private readonly landmarker: FaceLandmarker | null,
    private readonly embedder: FaceEmbedder,
    private readonly minFacePx: number,
    private readonly cfg: Config,
    private readonly log?: Logger,
  ) {}

  /** CenterNet for the enrolment gate's animal check, loaded on the first enrolment (identify workers never need it). */
  private objects: Promise<CocoObjectDetector> | null = null;

  static async create(
    cfg: Config,
    log?: Logger,
    overrides: { alignment?: 'dlib' | 'similarity' } = {},
  ): Promise<FaceChain> {
    const [detector, embedder] = await Promise.all([
      FaceDetector.create(cfg, log),
      FaceEmbedder.create(cfg, log, overrides),
    ]);
    // Five-point embedders (ArcFace) skip the landmark model when the detector gives five points.
    const fivePointDetector = detector.family !== 'blazeface';
    const landmarker = embedder.needsLandmarks68 || !fivePointDetector ? await FaceLandmarker.create(cfg, log) : null;
    const chain = new FaceChain(detector, landmarker, embedder, cfg.identify.minFacePx, cfg, log);
    await chain.warmUp();
    return chain;
  }

  /**
   * Runs every stage once on a grey image and a made-up face: the first runs go through
   * unoptimised sampling code (130 ms for a face, 27 once warm), which belongs at
   * start-up, not on the first face a camera sends after a restart.
   */
  private async warmUp(): Promise<void> {
    const size = 320;
    const grey: DecodedImage = { data: Buffer.alloc(size * size * 3, 128), width: size, height: size };
    await this.detector.detect(grey);
    const eyesNoseMouth: Point[] = [
      [130, 150],
      [190, 150],
      [160, 180],
      [138, 210],
      [182, 210],
    ];
    await this.describe(grey, [{ box: [100, 100, 220, 240], score: 1, keypoints: eyesNoseMouth }]);
  }

  /** e.g. 'faceapi-128': goes into the watchlist snapshot. */
  get embedderId(): string {
    return this.embedder.id;
  }

  /** Distance below which a face matches an enrolled descriptor. */
  get matchThreshold(): number {
    return this.embedder.matchThreshold;
  }

  get detectorFamily(): string {
    return this.detector.family;
  }

  /** Faces in the image (or only inside `region`) at least `identify.minFacePx` wide, with descriptors. */
  async describeAll(img: DecodedImage, region?: Box): Promise<DescribedFace[]> {
    const faces = (await this.detector.detect(img, { region })).filter((f) => f.box[2] - f.box[0] >= this.minFacePx);
    return this.describe(img, faces);
  }

  /** Descriptors for given detections (batched through landmarks and embedder). */
  async describe(img: DecodedImage, faces: FaceDetection[]): Promise<DescribedFace[]> {
    if (faces.length === 0) return [];
    // Night faces are smoothed before landmarks and embedding (models/low-light.ts); quality is judged on the original.
    const dark = lowLightFaces(
      img,
      faces.map((f) => f.box),
    );
    const pixels = dark.length ? denoiseRegions(img, dark) : img;
    const landmarks = this.landmarker ? await this.landmarker.landmarks(pixels, faces) : undefined;
    const geometry: FaceGeometry[] = faces.map((f, i) => ({
      landmarks68: landmarks?.[i],
      fivePoints: f.keypoints.length === 5 ? f.keypoints : landmarks && fivePointsFrom68(landmarks[i]!),
    }));
    const descriptors = await this.embedder.embed(pixels, geometry);
    return faces.map((face, i) => {
      const measures = {
        ...measureFace(img, this.embedder.cropFor(geometry[i]!), this.embedder.cropSize, face, landmarks?.[i]),
        ...(dark.includes(face.box) ? { lowLight: true } : {}),
      };
      return {
        face,
        descriptor: descriptors[i]!,
        measures,
        quality: qualityScore(measures),
        landmarks: landmarks?.[i],
      };
    });
  }

  /**
   * Enrolment photo: exactly one human face good enough to identify someone
   * (identify.enrolQuality; a much smaller background face is ignored), or why not.
   */
  async enrolmentDescriptor(img: DecodedImage): Promise<EnrolmentResult> {
    const faces = await this.detector.detect(img);
    if (faces.length === 0)
      return { ok: false, reason: 'no_face', message: 'no human face: no face found in the photo' };
    const area = (f: FaceDetection) => (f.box[2] - f.box[0]) * (f.box[3] - f.box[1]);
    const sorted = [...faces].sort((a, b) => area(b) - area(a));
    const largest = sorted[0]!;
    const rivals = sorted.slice(1).filter((f) => area(f) >= ENROL_SECOND_FACE_AREA * area(largest));
    if (rivals.length > 0) {
      return {
        ok: false,
        reason: 'several_faces',
        message: `${rivals.length + 1} faces of similar size in the photo; enrolment needs a photo of one person`,
      };
    }
    this.objects ??= CocoObjectDetector.create(this.cfg, this.log);
    const [[described], objects] = await Promise.all([
      this.describe(img, [largest]),
      this.objects.then((o) => o.detect(img, OBJECT_SCORE)),
    ]);
    const { measures, descriptor, quality } = described!;
    const verdict = enrolmentVerdict(measures, this.cfg.identify.enrolQuality, animalUnder(largest.box, objects));
    if (!verdict.ok) return { ...verdict, face: largest, measures };
    return { ok: true, face: largest, descriptor, quality, measures, advice: photoAdvice(measures) };
  }
}
