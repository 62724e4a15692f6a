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
