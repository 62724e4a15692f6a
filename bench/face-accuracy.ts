/**
 * Face identification accuracy on ../shared/data/faces (one folder per person):
 * per chain, faces found, rank-1 (first photo of each person enrolled, the others
 * queried), TAR at zero false accepts, EER, and the genuine / impostor distance
 * distributions. Compares face-api vs faceres and dlib vs similarity alignment, plus
 * YuNet + MobileFaceNet when those files are present. Then the photos cut to CCTV
 * sizes (bench/face/cctv-report.ts: distances and TAR@FAR0 by face width, vote rules on
 * recall and stranger tracks, the chart with --chart FILE) and the enrolment gate on the
 * photos and on animal stills (bench/face/enrolment-gate.ts).
 *
 *   npm run bench:face-accuracy [-- --json] [--chart docs/face-distance-by-width.png] [--skip-chains] [--skip-gate]
 *     [--probe-cache /tmp/watchpost-probes] (the CCTV probes' descriptors, computed once)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaceChain, decodeImage } from '../models/index.js';
import { closeAllSessions } from '../models/session.js';
import type { ConfigInput } from '../pipeline/config/index.js';
import { euclidean } from '../pipeline/face-match.js';
import { loadConfig } from '../runtime/config.js';
import { cctvReport } from './face/cctv-report.js';
import { enrolmentGate } from './face/enrolment-gate.js';
import { printCctv, printGate, printOpenSet } from './face/print.js';
import { FACES_DIR as DATA, loadPhotos, type Photo } from './face/photo-sets.js';
import { probeCacheDir } from './face/probe-cache.js';

const SHARED_MODELS = join(DATA, '..', 'models');
const FOOTAGE = join(DATA, '..', 'footage');

export interface Distribution {
  n: number;
  min: number;
  p5: number;
  median: number;
  p95: number;
  max: number;
}

export interface ChainAccuracy {
  chain: string;
  embedder: string;
  threshold: number;
  faces_found: string;
  rank1: string;
  rank1_rate: number;
  tar_at_far0: number;
  /** Strictest threshold accepting no impostor pair: the smallest impostor distance. */
  far0_threshold: number;
  eer: number;
  /** At the chain's named threshold. */
  tar_at_threshold: number;
  far_at_threshold: number;
  false_accepts_at_threshold: number;
  genuine: Distribution;
  impostor: Distribution;
  group_photos: { path: string; found: string[] }[];
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

function distribution(values: number[]): Distribution {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    min: r4(s[0]!),
    p5: r4(quantile(s, 0.05)),
    median: r4(quantile(s, 0.5)),
    p95: r4(quantile(s, 0.95)),
    max: r4(s.at(-1)!),
  };
}

/** Equal error rate over thresholds at every observed distance. */
function equalErrorRate(genuine: number[], impostor: number[]): number {
  let best = { gap: Infinity, eer: 1 };
  for (const t of [...genuine, ...impostor].sort((a, b) => a - b)) {
    const frr = genuine.filter((d) => d > t).length / genuine.length;
    const far = impostor.filter((d) => d <= t).length / impostor.length;
    if (Math.abs(frr - far) < best.gap) best = { gap: Math.abs(frr - far), eer: (frr + far) / 2 };
  }
  return r4(best.eer);
}

export async function evaluateChain(
  name: string,
  cfgInput: ConfigInput,
  alignment: 'dlib' | 'similarity' | undefined,
  photos: Photo[],
): Promise<ChainAccuracy> {
  const cfg = loadConfig({ overrides: flatten(cfgInput as Record<string, unknown>) });
  const chain = await FaceChain.create(cfg, undefined, alignment ? { alignment } : {});
  const described: { person: string; path: string; d: Float32Array }[] = [];
  for (const p of photos) {
    const r = await chain.enrolmentDescriptor(p.img);
    // refused (several faces, the gate): take the largest face (the bench measures recognition, not enrolment rules)
    if (r.ok) described.push({ person: p.person, path: p.path, d: r.descriptor });
    else {
      const faces = await chain.describeAll(p.img);
      const area = (b: number[]) => (b[2]! - b[0]!) * (b[3]! - b[1]!);
      const largest = faces.sort((a, b) => area(b.face.box) - area(a.face.box))[0];
      if (largest) described.push({ person: p.person, path: p.path, d: largest.descriptor });
    }
  }
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < described.length; i++) {
    for (let j = i + 1; j < described.length; j++) {
      const dist = euclidean(described[i]!.d, described[j]!.d);
      (described[i]!.person === described[j]!.person ? genuine : impostor).push(dist);
    }
  }
  // rank-1: the first photo of each person is the gallery, every other photo a query
  const gallery = new Map<string, Float32Array>();
  for (const x of described) if (!gallery.has(x.person)) gallery.set(x.person, x.d);
  const queries = described.filter((x) => gallery.get(x.person) !== x.d);
  let correct = 0;
  for (const q of queries) {
    let best = '',
      bestD = Infinity;
    for (const [person, d] of gallery) {
      const dist = euclidean(q.d, d);
      if (dist < bestD) [best, bestD] = [person, dist];
    }
    if (best === q.person) correct++;
  }
  const minImpostor = Math.min(...impostor);
  const t = chain.matchThreshold;
  const falseAccepts = impostor.filter((d) => d <= t).length;
  // group photos: which enrolled people are found at the threshold
  const groupDir = join(DATA, '_multi');
  const groups = existsSync(groupDir)
    ? await Promise.all(
        readdirSync(groupDir)
          .sort()
          .map(async (file) => {
            const faces = await chain.describeAll(await decodeImage(join(groupDir, file)));
            const found = faces.map((f) => {
              let best = '',
                bestD = Infinity;
              for (const [person, d] of gallery) {
                const dist = euclidean(f.descriptor, d);
                if (dist < bestD) [best, bestD] = [person, dist];
              }
              return bestD <= t ? `${best} (${bestD.toFixed(3)})` : `unknown (${best} ${bestD.toFixed(3)})`;
            });
            return { path: file, found };
          }),
      )
    : [];
  return {
    chain: name,
    embedder: chain.embedderId,
    threshold: t,
    faces_found: `${described.length}/${photos.length}`,
    rank1: `${correct}/${queries.length}`,
    rank1_rate: r4(correct / queries.length),
    tar_at_far0: r4(genuine.filter((d) => d < minImpostor).length / genuine.length),
    far0_threshold: r4(minImpostor),
    eer: equalErrorRate(genuine, impostor),
    tar_at_threshold: r4(genuine.filter((d) => d <= t).length / genuine.length),
    far_at_threshold: r4(falseAccepts / impostor.length),
    false_accepts_at_threshold: falseAccepts,
    genuine: distribution(genuine),
    impostor: distribution(impostor),
    group_photos: groups,
  };
}

function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && !('family' in v))
      Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

export async function faceAccuracy(photos: Photo[]): Promise<ChainAccuracy[]> {
  const results: ChainAccuracy[] = [];
  const faceapi: ConfigInput = { models: { faceEmbedder: { family: 'faceapi' } } };
  results.push(await evaluateChain('blazeface > faceapi-68 > similarity > faceapi-128', faceapi, 'similarity', photos));
  results.push(await evaluateChain('blazeface > faceapi-68 > dlib crop > faceapi-128', faceapi, 'dlib', photos));
  const faceres: ConfigInput = { models: { faceEmbedder: { family: 'faceres' } } };
  results.push(
    await evaluateChain('blazeface > faceapi-68 > similarity > faceres-1024', faceres, 'similarity', photos),
  );
  results.push(await evaluateChain('blazeface > faceapi-68 > dlib crop > faceres-1024', faceres, 'dlib', photos));
  if (
    existsSync(join(SHARED_MODELS, 'MobileFaceNet.onnx')) &&
    existsSync(join(SHARED_MODELS, 'yunet_n_640_640.onnx'))
  ) {
    const byo: ConfigInput = {
      models: {
        faceDetector: { family: 'yunet', path: join(SHARED_MODELS, 'yunet_n_640_640.onnx'), inputSize: 640 },
        faceEmbedder: { family: 'arcface', path: join(SHARED_MODELS, 'MobileFaceNet.onnx'), normalization: 'imagenet' },
      },
    };
    results.push(
      await evaluateChain(
        'yunet-640 > 5-point ArcFace alignment > MobileFaceNet (bring-your-own)',
        byo,
        undefined,
        photos,
      ),
    );
  }
  return results;
}

function printTable(results: ChainAccuracy[]): void {
  const rows = results.map((r) => [
    r.chain,
    r.faces_found,
    r.rank1,
    r.tar_at_far0.toFixed(3),
    r.far0_threshold.toFixed(3),
    r.eer.toFixed(3),
    `${r.threshold} (TAR ${r.tar_at_threshold.toFixed(3)}, FA ${r.false_accepts_at_threshold})`,
    `${r.genuine.median}/${r.genuine.p95}/${r.genuine.max}`,
    `${r.impostor.min}/${r.impostor.p5}/${r.impostor.median}`,
  ]);
  const head = [
    'chain',
    'faces',
    'rank-1',
    'TAR@FAR0',
    'FAR0 thr',
    'EER',
    'threshold',
    'genuine med/p95/max',
    'impostor min/p5/med',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  for (const r of results)
    for (const g of r.group_photos) console.log(`  ${r.embedder} ${g.path}: ${g.found.join(', ') || 'no face'}`);
}

const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

if (process.argv[1]?.endsWith('face-accuracy.ts')) {
  const json = process.argv.includes('--json');
  if (!existsSync(DATA)) {
    console.log(json ? JSON.stringify({ skipped: `${DATA} is absent` }) : `face accuracy: skipped (${DATA} is absent)`);
  } else {
    const photos = await loadPhotos();
    const chains = process.argv.includes('--skip-chains') ? [] : await faceAccuracy(photos);
    const gate = process.argv.includes('--skip-gate')
      ? null
      : await enrolmentGate(await FaceChain.create(loadConfig({ overrides: {} })), photos, FOOTAGE);
    const cctv = await cctvReport(photos, flag('--chart'), probeCacheDir());
    await closeAllSessions();
    const { open_set_candidates, ...cctvFigures } = cctv;
    if (json)
      console.log(
        JSON.stringify({ face_accuracy: chains, cctv: cctvFigures, open_set_candidates, enrolment_gate: gate }),
      );
    else {
      printTable(chains);
      printCctv(cctv);
      printOpenSet(open_set_candidates);
      if (gate) printGate(gate);
    }
  }
}
