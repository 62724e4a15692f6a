import { describe, expect, it } from 'vitest';
import { modelsSchema } from './models.js';

describe('models config', () => {
  it('defaults to the built-in chain with similarity alignment', () => {
    const m = modelsSchema.parse({});
    expect(m.personDetector).toEqual({ family: 'centernet', wideInput: true });
    expect(m.faceDetector).toEqual({ family: 'blazeface' });
    expect(m.faceEmbedder).toEqual({ family: 'faceapi' });
    expect(m.alignment).toBe('similarity');
  });

  it('fills bring-your-own defaults and refuses unknown families and keys', () => {
    const m = modelsSchema.parse({
      personDetector: { family: 'yolo', path: 'y.onnx' },
      faceEmbedder: { family: 'arcface', path: 'a.onnx', matchThreshold: 1.1 },
    });
    expect(m.personDetector).toEqual({ family: 'yolo', path: 'y.onnx', inputSize: 640, classId: 0 });
    expect(m.faceEmbedder).toEqual({
      family: 'arcface',
      path: 'a.onnx',
      normalization: 'arcface',
      matchThreshold: 1.1,
    });
    expect(modelsSchema.safeParse({ faceDetector: { family: 'mtcnn' } }).success).toBe(false);
    expect(modelsSchema.safeParse({ faceDetector: { family: 'yunet' } }).success).toBe(false); // path required
    expect(modelsSchema.safeParse({ faceEmbedder: { family: 'faceapi', path: 'x' } }).success).toBe(false);
  });
});
