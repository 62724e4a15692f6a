import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireFfmpeg } from '../system-tools.js';
import { StderrRing } from './ffmpeg-frames.js';

/**
 * Joins MPEG-TS segments (one camera's, oldest first) into one MP4 without re-encoding. MPEG-TS
 * concatenates byte for byte, so the segments go to ffmpeg's stdin as one stream; the MP4's index
 * is moved to the front (faststart) so a browser can seek it while it loads.
 */
export async function segmentsToMp4(segments: Buffer[]): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'watchpost-clip-'));
  const out = join(dir, 'clip.mp4');
  try {
    const child = spawn(
      requireFfmpeg(),
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-fflags', '+genpts', '-f', 'mpegts', '-i', 'pipe:0'].concat([
        '-map',
        '0:v:0',
        '-c',
        'copy',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        out,
      ]),
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const stderr = new StderrRing();
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.stdin.on('error', () => {}); // ffmpeg failing early closes its stdin: the exit code says why.
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (const s of segments) if (!child.stdin.write(s)) await new Promise((r) => child.stdin.once('drain', r));
    child.stdin.end();
    const code = await done;
    if (code !== 0) throw new Error(`ffmpeg could not join the clip (exit ${code}): ${stderr.text()}`);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Cuts `[fromSec, toSec]` of a video file into an MP4 at `out`. H.264/H.265 are copied, not
 * re-encoded, so the clip starts at the keyframe at or before `fromSec` (it holds at least the
 * seconds asked for); other codecs (MJPEG, GIF) are encoded as H.264.
 */
export async function cutClip(input: string, o: { fromSec: number; toSec: number; copy: boolean; out: string }) {
  const codec = o.copy
    ? ['-c', 'copy', '-avoid_negative_ts', 'make_zero']
    : ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', o.fromSec.toFixed(3), '-i', input]
    .concat(['-t', (o.toSec - o.fromSec).toFixed(3), '-map', '0:v:0', ...codec])
    .concat(['-movflags', '+faststart', '-f', 'mp4', '-y', o.out]);
  const child = spawn(requireFfmpeg(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = new StderrRing();
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`ffmpeg could not cut ${input} (exit ${code}): ${stderr.text()}`);
}
