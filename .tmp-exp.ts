import { evaluateChain } from './bench/face-accuracy.ts';
import { decodeImage } from './models/index.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
const DATA = '/work/shared/data/faces';
const photos = await Promise.all(readdirSync(DATA, { withFileTypes: true }).filter(e => e.isDirectory() && !e.name.startsWith('_')).flatMap(p => readdirSync(join(DATA, p.name)).sort().map(async f => ({ person: p.name, path: join(DATA, p.name, f), img: await decodeImage(join(DATA, p.name, f)) }))));
for (const scale of (process.env.SCALES ?? '1.2').split(',').map(Number)) {
  for (const al of ['similarity', 'dlib'] as const) {
    const r = await evaluateChain('x', { models: { landmarkCropScale: scale, faceEmbedder: { family: 'faceapi' } } } as any, al, photos);
    console.log(process.env.TAG ?? '', scale, al, r.rank1, 'TAR@FAR0', r.tar_at_far0, 'far0thr', r.far0_threshold, 'gen max', r.genuine.max, 'p95', r.genuine.p95, 'imp min', r.impostor.min, 'p5', r.impostor.p5, 'eer', r.eer);
  }
}
process.exit(0);
