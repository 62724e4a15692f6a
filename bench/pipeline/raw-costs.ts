import { fixture } from '../../fixtures/index.js';
import { closeAllSessions, decodeImage, FaceChain, PersonDetector } from '../../models/index.js';
import { headRegion } from '../../pipeline/best-frame.js';
import { configSchema } from '../../pipeline/config/index.js';
import { startFfmpegFrames } from '../../runtime/ffmpeg/ffmpeg-frames.js';
import { FPS, median, progress } from './measure.js';

const walkIn = fixture('enrolled-walk-in');

/** Person detection (one whole-frame run) and face chain costs on the walk-in fixture's frames, in this process. */
export async function rawModelCosts(modelsCfg: Record<string, unknown>) {
  progress('raw model costs on the fixture frames (this process)');
  const cfg = configSchema.parse({ log: { level: 'silent' }, models: modelsCfg });
  const jpegs: Buffer[] = [];
  const src = startFfmpegFrames({ url: walkIn.video, fps: FPS, maxWidth: 1280, jpegQuality: 4 });
  for await (const ev of src.frames) if (ev.type === 'frame') jpegs.push(ev.jpeg);
  await src.exited;
  const detector = await PersonDetector.create(cfg);
  const chain = await FaceChain.create(cfg);
  const detectMs: number[] = [];
  const decodeMs: number[] = [];
  const faceMs: number[] = [];
  // Every second frame of the clip: people and empty frames in their real proportions.
  for (const [i, jpeg] of jpegs.entries()) {
    if (i % 2) continue;
    let t = performance.now();
    const img = await decodeImage(jpeg);
    decodeMs.push(performance.now() - t);
    t = performance.now();
    const persons = await detector.detect(img);
    detectMs.push(performance.now() - t);
    for (const p of persons.slice(0, 2)) {
      t = performance.now();
      await chain.describeAll(img, headRegion(p.box, img));
      faceMs.push(performance.now() - t);
    }
  }
  await closeAllSessions();
  // The first runs warm up onnxruntime: medians leave them out.
  return {
    frames: detectMs.length,
    decodeMs: median(decodeMs),
    detectMs: median(detectMs.slice(3)),
    faceChainMs: median(faceMs.slice(3)),
    faceRegions: faceMs.length,
  };
}
