import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { arcfaceTransform } from '../../pipeline/face-alignment.js';
import { euclidean, l2normalize } from '../../pipeline/face-match.js';
import { decodeImage } from '../image.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { closeAllSessions, openSession } from '../session.js';
import { ArcfaceEmbedder } from './arcface.js';
import { YunetDetector } from './yunet.js';

const SHARED = '/work/shared/data';
const hasShared = existsSync(join(SHARED, 'models/MobileFaceNet.onnx'));

/** An "embedder" whose embedding is the per-channel mean of its input: shows the pixel normalisation. */
function channelMeanModel(): string {
  const g = new GraphBuilder('channel-mean');
  const x = g.input('input0', 'float32', ['n', 3, 112, 112]);
  g.output(g.op('ReduceMean', [x], { axes: [2, 3], keepdims: 0 }, 'output0'), 'float32', ['n', 3]);
  const path = join(mkdtempSync(join(tmpdir(), 'wp-arcface-')), 'mean.onnx');
  writeFileSync(path, g.toBytes());
  return path;
}

describe('ArcfaceEmbedder', () => {
  afterAll(() => closeAllSessions());

  it('feeds NCHW RGB with the chosen normalisation, batches crops and L2-normalises', async () => {
    const session = await openSession(channelMeanModel(), { threads: 1 });
    const img = {
      width: 200,
      height: 200,
      data: Buffer.from(Array.from({ length: 200 * 200 }, () => [200, 100, 50]).flat()),
    };
    const five = [
      [80, 90],
      [120, 90],
      [100, 110],
      [85, 130],
      [115, 130],
    ] as [number, number][];
    const crop = arcfaceTransform(five);
    const [a, b] = await new ArcfaceEmbedder(session, 'arcface').embed(img, [crop, crop]);
    const expected = l2normalize([(200 - 127.5) / 127.5, (100 - 127.5) / 127.5, (50 - 127.5) / 127.5]);
    expect(Array.from(a!)).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 4)));
    expect(Array.from(b!)).toEqual(Array.from(a!));
    const [c] = await new ArcfaceEmbedder(session, 'imagenet').embed(img, [crop]);
    const imagenet = l2normalize([(200 - 123.675) / 58.395, (100 - 116.28) / 57.12, (50 - 103.53) / 57.375]);
    expect(Array.from(c!)).toEqual(Array.from(imagenet).map((v) => expect.closeTo(v, 4)));
  });

  it.skipIf(!hasShared)('tells people apart with real YuNet + MobileFaceNet (optional: ../shared/data)', async () => {
    const detector = new YunetDetector(
      await openSession(join(SHARED, 'models/yunet_n_640_640.onnx'), { threads: 1 }),
      640,
    );
    const embedder = new ArcfaceEmbedder(
      await openSession(join(SHARED, 'models/MobileFaceNet.onnx'), { threads: 1 }),
      'imagenet',
    );
    const describe1 = async (file: string) => {
      const img = await decodeImage(join(SHARED, 'faces', file));
      const [face] = await detector.detect(img, { minScore: 0.6 });
      const [d] = await embedder.embed(img, [arcfaceTransform(face!.keypoints)]);
      return d!;
    };
    const obama1 = await describe1('obama/obama.jpg');
    const obama2 = await describe1('obama/obama2.jpg');
    const biden = await describe1('biden/biden.jpg');
    expect(obama1).toHaveLength(128);
    expect(euclidean(obama1, obama2)).toBeLessThan(euclidean(obama1, biden));
    expect(euclidean(obama1, obama2)).toBeLessThan(euclidean(obama2, biden));
  });
});
if (!hasShared) console.log('arcface.test: ../shared/data absent: skipping the real-model test');
