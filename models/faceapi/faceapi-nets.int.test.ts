import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { maxDeviation, PARITY_TOLERANCE } from '../../test/models/parity.js';
import { samplePhotoSalientCrop } from '../../test/models/sample-photos.js';
import { FaceApiReference } from '../../test/models/faceapi-reference.js';
import { loadFaceApiWeights } from './faceapi-weights.js';
import { buildFaceLandmark68Net, LANDMARK68_INPUT_SIZE } from './landmark68-net.js';
import { buildFaceRecognitionNet, RECOGNITION_INPUT_SIZE } from './recognition-net.js';

const reference = new FaceApiReference();
const PHOTOS = [1, 2];

async function batchOf(size: number): Promise<Float32Array> {
  const one = size * size * 3;
  const batch = new Float32Array(PHOTOS.length * one);
  for (const [i, photo] of PHOTOS.entries()) batch.set(await samplePhotoSalientCrop(photo, size), i * one);
  return batch;
}

afterAll(() => reference.close());

describe('face-api networks built as ONNX', () => {
  it('faceLandmark68Net matches face-api on real photo crops (batch of two)', async () => {
    const built = buildFaceLandmark68Net(await loadFaceApiWeights('face_landmark_68_model'));
    const session = await ort.InferenceSession.create(built.bytes, { graphOptimizationLevel: 'all' });
    const size = LANDMARK68_INPUT_SIZE;
    const batch = await batchOf(size);
    const { landmarks } = await session.run({
      input: new ort.Tensor('float32', batch, [PHOTOS.length, size, size, 3]),
    });
    expect(landmarks!.dims).toEqual([PHOTOS.length, 136]);
    const ref = await reference.forward('faceLandmark68Net', batch, [PHOTOS.length, size, size, 3]);
    expect(ref.shape).toEqual([PHOTOS.length, 136]);
    const dev = maxDeviation(landmarks!.data as Float32Array, ref.data);
    console.log(`faceLandmark68Net max deviation ${dev.toExponential(2)}`);
    expect(dev).toBeLessThanOrEqual(PARITY_TOLERANCE);
    // Landmarks of a face crop lie inside the crop (relative coordinates).
    const inside = Array.from(landmarks!.data as Float32Array).filter((v) => v > -0.2 && v < 1.2).length;
    expect(inside).toBe(PHOTOS.length * 136);
  }, 180_000);

  it('faceRecognitionNet matches face-api on real photo crops (batch of two)', async () => {
    const built = buildFaceRecognitionNet(await loadFaceApiWeights('face_recognition_model'));
    const session = await ort.InferenceSession.create(built.bytes, { graphOptimizationLevel: 'all' });
    const size = RECOGNITION_INPUT_SIZE;
    const batch = await batchOf(size);
    const { descriptor } = await session.run({
      input: new ort.Tensor('float32', batch, [PHOTOS.length, size, size, 3]),
    });
    expect(descriptor!.dims).toEqual([PHOTOS.length, 128]);
    const ref = await reference.forward('faceRecognitionNet', batch, [PHOTOS.length, size, size, 3]);
    expect(ref.shape).toEqual([PHOTOS.length, 128]);
    const dev = maxDeviation(descriptor!.data as Float32Array, ref.data);
    console.log(`faceRecognitionNet max deviation ${dev.toExponential(2)}`);
    expect(dev).toBeLessThanOrEqual(PARITY_TOLERANCE);
  }, 180_000);
});
