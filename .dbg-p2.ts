import { decodeImage, PersonDetector } from './models/index.js';
import { configSchema } from './pipeline/config/index.js';
import { execFileSync } from 'node:child_process';
const cfg = configSchema.parse({});
const det = await PersonDetector.create(cfg);
for (const t of [3, 4, 5, 6, 8, 10]) {
  const jpeg = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', 'fixtures/night.mp4', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-']);
  const img = await decodeImage(jpeg);
  const r = await det.detect(img, { minScore: 0.05 });
  console.log(t, r.slice(0, 3).map(p => [p.box.map(Math.round), p.score.toFixed(2)]));
}
