import { execFileSync } from 'node:child_process';
import { motionThumbnail } from './workers/detect/thumbnail.js';
import { motionMask, motionShare } from './pipeline/motion-gate.js';
const grab = (f: string, t: number) => execFileSync('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', f, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-']);
const mask = motionMask([]);
for (const f of ['fixtures/night.mp4', 'fixtures/enrolled-walk-in.mp4', 'fixtures/empty.mp4']) {
  const ref = await motionThumbnail(grab(f, 0.2));
  const mean = ref.reduce((a, b) => a + b, 0) / ref.length;
  const sd = Math.sqrt(ref.reduce((a, b) => a + (b - mean) ** 2, 0) / ref.length);
  const out = [];
  for (const t of [0.4, 1, 2.6, 3, 4, 6, 9, 12]) {
    const cur = await motionThumbnail(grab(f, t));
    out.push(`${t}:` + [20, 12, 8, 6].map((d) => motionShare(ref, cur, mask, d).toFixed(4)).join('/'));
  }
  console.log(f, 'mean', mean.toFixed(1), 'sd', sd.toFixed(1), out.join('  '));
}
