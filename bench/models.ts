/**
 * Model benchmark: per model, onnxruntime-node against the same model on
 * @tensorflow/tfjs-backend-wasm in the same run (interleaved, so load from other
 * processes hits both alike); the face chain per face; RSS before and after 1,000
 * inferences; gallery search at 10k and 100k identities; face accuracy (bench/face-accuracy.ts).
 *
 *   npm run bench:models [-- --json] [-- --skip-accuracy]
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { FaceChain, FaceDetector, decodeImage, type DecodedImage } from '../models/index.js';
import { fitRegion, sampleToTensor, wholeImage, type InputSpec } from '../models/families/input-tensor.js';
import { builtinSession, type BuiltinModel } from '../models/families/builtin-model.js';
import { GalleryIndex } from '../models/gallery-index.js';
import { closeAllSessions, type ModelSession } from '../models/session.js';
import { Gallery, l2normalize } from '../pipeline/face-match.js';
import { loadConfig } from '../runtime/config.js';
import { faceAccuracy } from './face-accuracy.js';
import { FACES_DIR, loadPhotos } from './face/photo-sets.js';
import { TfjsWasmReference, type TfjsModel } from './tfjs-wasm.js';

const json = process.argv.includes('--json');
const skipAccuracy = process.argv.includes('--skip-accuracy');
const ROUNDS = 4;
const ONNX_PER_ROUND = 8;
const TFJS_PER_ROUND = 3;
const RSS_INFERENCES = 1000;

// One intra-op thread: the same footing as tfjs-wasm (no threads in Node) on a shared machine.
// Models come from the same cache as `watchpost models prepare` (config / WATCHPOST__MODELS__CACHE_DIR).
const cfg = loadConfig({ overrides: { 'models.threads': 1 } });
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))]!;
}
const r2 = (v: number) => Math.round(v * 100) / 100;

interface ModelSpec {
  name: string;
  builtin: BuiltinModel;
  tfjs: TfjsModel;
  size: number;
  /** 0-255 or [-1, 1] input, as each model takes it. */
  normalise?: boolean;
}

const MODELS: ModelSpec[] = [
  { name: 'centernet 512x512', builtin: 'centernet', tfjs: 'centernet', size: 512 },
  { name: 'blazeface 256x256', builtin: 'blazeface', tfjs: 'blazeface', size: 256, normalise: true },
  { name: 'faceapi landmarks 112x112', builtin: 'faceLandmark68', tfjs: 'faceLandmark68Net', size: 112 },
  { name: 'faceapi descriptor 150x150', builtin: 'faceRecognition', tfjs: 'faceRecognitionNet', size: 150 },
  { name: 'faceres 224x224', builtin: 'faceres', tfjs: 'faceres', size: 224 },
];

function input(img: DecodedImage, size: number, normalise = false): Float32Array {
  const spec: InputSpec = {
    width: size,
    height: size,
    layout: 'nhwc',
    order: 'rgb',
    mean: normalise ? [127.5, 127.5, 127.5] : [0, 0, 0],
    std: normalise ? [127.5, 127.5, 127.5] : [1, 1, 1],
    fill: 0,
  };
  return sampleToTensor(img, fitRegion(wholeImage(img), spec, 'center').toSource, spec);
}

async function timeOnnx(session: ModelSession, data: Float32Array, size: number, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run({ [session.inputs[0]!.name]: { data, dims: [1, size, size, 3] } });
    times.push(performance.now() - t0);
  }
  return times;
}

async function modelTimings(photo: DecodedImage, tfjs: TfjsWasmReference) {
  const rows = [];
  for (const m of MODELS) {
    progress(`timing ${m.name}`);
    const session = await builtinSession(cfg, m.builtin);
    const data = input(photo, m.size, m.normalise);
    await timeOnnx(session, data, m.size, 3);
    const onnx: number[] = [];
    const wasm: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      onnx.push(...(await timeOnnx(session, data, m.size, ONNX_PER_ROUND)));
      wasm.push(...(await tfjs.time(m.tfjs, data, [1, m.size, m.size, 3], r === 0 ? 2 : 0, TFJS_PER_ROUND)));
    }
    rows.push({
      name: m.name,
      onnx_ms_median: r2(median(onnx)),
      onnx_ms_p95: r2(quantile(onnx, 0.95)),
      tfjs_wasm_ms_median: r2(median(wasm)),
      tfjs_wasm_ms_p95: r2(quantile(wasm, 0.95)),
      speedup: r2(median(wasm) / median(onnx)),
      runs: { onnx: onnx.length, tfjs_wasm: wasm.length },
    });
  }
  return rows;
}

/** Landmarks + alignment + descriptor for one face (what runs per face after detection). */
async function chainPerFace(photo: DecodedImage, models: Awaited<ReturnType<typeof modelTimings>>) {
  progress('timing the face chain per face');
  const chain = await FaceChain.create(cfg);
  const detector = await FaceDetector.create(cfg);
  const [face] = await detector.detect(photo);
  if (!face) throw new Error('no face in the benchmark photo');
  for (let i = 0; i < 3; i++) await chain.describe(photo, [face]);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await chain.describe(photo, [face]);
    times.push(performance.now() - t0);
  }
  const wasm = models.filter((m) => m.name.startsWith('faceapi')).reduce((s, m) => s + m.tfjs_wasm_ms_median, 0);
  return {
    onnx_ms_median: r2(median(times)),
    onnx_ms_p95: r2(quantile(times, 0.95)),
    tfjs_wasm_ms_median: r2(wasm),
    speedup: r2(wasm / median(times)),
    note: 'onnx: landmarks + similarity alignment + descriptor incl. pre/post-processing; tfjs-wasm: the two face-api nets alone (medians summed)',
  };
}

async function rssOver(photo: DecodedImage) {
  progress(`RSS over ${RSS_INFERENCES} face-chain inferences (detection + landmarks + descriptor)`);
  const chain = await FaceChain.create(cfg);
  for (let i = 0; i < 50; i++) await chain.describeAll(photo);
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  for (let i = 0; i < RSS_INFERENCES; i++) await chain.describeAll(photo);
  const seconds = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  const after = process.memoryUsage().rss;
  return {
    inferences: RSS_INFERENCES,
    rss_before_mb: r2(before / 2 ** 20),
    rss_after_mb: r2(after / 2 ** 20),
    growth_pct: r2(((after - before) / before) * 100),
    ms_per_image: r2((seconds * 1000) / RSS_INFERENCES),
  };
}

async function gallerySearch() {
  progress('gallery search');
  // mulberry32: a deterministic generator without float overflow (gallery rows must all differ)
  let seed = 1;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const vector = () => l2normalize(Array.from({ length: 128 }, rand));
  const timed = async (fn: () => unknown) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const rows = [];
  for (const n of [10_000, 100_000]) {
    const gallery = new Gallery(
      Array.from({ length: n }, (_, i) => ({ id: `p${i}`, name: `P${i}`, descriptors: [vector()] })),
    );
    const index = await GalleryIndex.build(gallery, { threads: 1 });
    const queries = Array.from({ length: 60 }, vector);
    for (const q of queries.slice(0, 10)) {
      gallery.match(q);
      await index.match(q);
    }
    const scan: number[] = [];
    const onnx: number[] = [];
    for (const q of queries) {
      scan.push(await timed(() => gallery.match(q)));
      onnx.push(await timed(() => index.match(q)));
    }
    await index.close();
    rows.push({
      identities: n,
      dimensions: 128,
      index_ms_median: r2(median(onnx)),
      index_ms_p95: r2(quantile(onnx, 0.95)),
      js_scan_ms_median: r2(median(scan)),
      js_scan_ms_p95: r2(quantile(scan, 0.95)),
    });
  }
  return rows;
}

function table(head: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

const photo = await decodeImage(
  new URL('../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url).pathname,
);
const environment = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  load_average_1m: r2(loadavg()[0]!),
  onnx_threads: 1,
  node: process.version,
};
const tfjs = new TfjsWasmReference();
const models = await modelTimings(photo, tfjs);
await tfjs.close();
const faceChain = await chainPerFace(photo, models);
const rss = await rssOver(photo);
const gallery = await gallerySearch();
const accuracy = skipAccuracy
  ? { skipped: '--skip-accuracy' }
  : existsSync(FACES_DIR)
    ? await faceAccuracy(await loadPhotos())
    : { skipped: `${FACES_DIR} is absent` };
await closeAllSessions();

if (json) {
  process.stdout.write(
    `${JSON.stringify({ models, face_chain_per_face: faceChain, rss, gallery_search: gallery, face_accuracy: accuracy, environment })}\n`,
  );
} else {
  console.log(
    `onnxruntime-node (1 thread) vs @tensorflow/tfjs-backend-wasm, same run; load average ${environment.load_average_1m} on ${environment.cpus} cores\n`,
  );
  console.log(
    table(
      ['model', 'onnx median ms', 'onnx p95 ms', 'tfjs-wasm median ms', 'tfjs-wasm p95 ms', 'speed-up'],
      models.map((m) => [
        m.name,
        m.onnx_ms_median,
        m.onnx_ms_p95,
        m.tfjs_wasm_ms_median,
        m.tfjs_wasm_ms_p95,
        `${m.speedup}x`,
      ]),
    ),
  );
  console.log(
    `\nface chain per face (landmarks + descriptor): onnx ${faceChain.onnx_ms_median} ms, ` +
      `face-api on tfjs-wasm ${faceChain.tfjs_wasm_ms_median} ms: ${faceChain.speedup}x`,
  );
  console.log(
    `RSS over ${rss.inferences} inferences: ${rss.rss_before_mb} MB -> ${rss.rss_after_mb} MB (${rss.growth_pct}%), ${rss.ms_per_image} ms per image`,
  );
  console.log(
    `\n${table(
      ['gallery identities', 'GalleryIndex (onnx) median ms', 'p95 ms', 'Gallery JS scan median ms', 'p95 ms'],
      gallery.map((g) => [g.identities, g.index_ms_median, g.index_ms_p95, g.js_scan_ms_median, g.js_scan_ms_p95]),
    )}`,
  );
  if ('skipped' in accuracy) console.log(`\nface accuracy: skipped (${accuracy.skipped})`);
  else {
    console.log(
      `\n${table(
        [
          'chain',
          'faces',
          'rank-1',
          'TAR@FAR0',
          'EER',
          'threshold: TAR / false accepts',
          'genuine med/p95/max',
          'impostor min/p5/med',
        ],
        accuracy.map((a) => [
          a.chain,
          a.faces_found,
          a.rank1,
          a.tar_at_far0,
          a.eer,
          `${a.threshold}: ${a.tar_at_threshold} / ${a.false_accepts_at_threshold}`,
          `${a.genuine.median}/${a.genuine.p95}/${a.genuine.max}`,
          `${a.impostor.min}/${a.impostor.p5}/${a.impostor.median}`,
        ]),
      )}`,
    );
  }
}
