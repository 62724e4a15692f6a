/** Public API of the models layer: decode images, detect persons and faces, describe and match faces. */
export {
  decodeImage,
  encodeJpeg,
  ImageError,
  MAX_IMAGE_PIXELS,
  type DecodedImage,
  type ImageErrorCode,
} from './image.js';
export { decodeFrame, FrameDecoder } from './frame-decoder.js';
export type { FaceDetection, PersonDetection, DetectOptions } from './families/types.js';
export { ModelLayoutError } from './families/types.js';
export { PersonDetector } from './person-detector.js';
export { FaceDetector } from './face-detector.js';
export { FaceLandmarker } from './face-landmarker.js';
export { FaceEmbedder, MissingLandmarksError, type FaceGeometry } from './face-embedder.js';
export { FaceChain, type DescribedFace, type EnrolmentResult } from './face-chain.js';
export { closeAllSessions, ModelLoadError, ModelRunError } from './session.js';
export { Gallery, type GalleryIdentity, type GalleryMatch } from '../pipeline/face-match.js';
export type { Box, Point } from '../pipeline/geometry.js';
export { GalleryIndex } from './gallery-index.js';
export { enrolGalleryFolder, GalleryFolderError, type EnrolledGallery, type RejectedPhoto } from './gallery-folder.js';
