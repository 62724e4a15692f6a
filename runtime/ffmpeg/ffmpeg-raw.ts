import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { requireFfmpeg, requireFfprobe } from '../system-tools.js';
import { StderrRing } from './ffmpeg-frames.js';

const run = promisify(execFile);

export interface RawVideoInfo {
  width: number;
  height: number;
  fps: number;
}

/** Size and frame rate of a video file's first video stream. */
export async function probeRawVideo(path: string): Promise<RawVideoInfo> {
  const { stdout } = await run(requireFfprobe(), [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,avg_frame_rate,r_frame_rate',
    '-of',
    'json',
    path,
  ]);
  const s = (JSON.parse(stdout) as { streams?: Record<string, string | number>[] }).streams?.[0];
  if (!s) throw new Error(`${path}: no video stream`);
  const rate = (r: unknown) => {
    const [n, d] = String(r ?? '0/1')
      .split('/')
      .map(Number);
    return d ? (n as number) / d : 0;
  };
  const fps = rate(s.avg_frame_rate) || rate(s.r_frame_rate) || 10;
  return { width: Number(s.width), height: Number(s.height), fps };
}

/** Every frame of a video file as RGB24 pixels, in order (one ffmpeg, read as it decodes). */
export async function* decodeRawFrames(path: string, info: RawVideoInfo): AsyncGenerator<Buffer> {
  const child = spawn(
    requireFfmpeg(),
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', path, '-map', '0:v:0', '-f', 'rawvideo'].concat([
      '-pix_fmt',
      'rgb24',
      '-vsync',
      'passthrough',
      'pipe:1',
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr = new StderrRing();
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const frameBytes = info.width * info.height * 3;
  let pending: Buffer[] = [];
  let have = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      have += chunk.length;
      if (have < frameBytes) continue;
      let all = Buffer.concat(pending);
      while (all.length >= frameBytes) {
        yield all.subarray(0, frameBytes);
        all = all.subarray(frameBytes);
      }
      pending = all.length ? [Buffer.from(all)] : [];
      have = all.length;
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const code = await exited;
  if (code !== 0 && code !== null) throw new Error(`ffmpeg could not decode ${path} (exit ${code}): ${stderr.text()}`);
}

/** Encodes RGB24 frames into an H.264 MP4 file (faststart), one frame per `write`. */
export class RawVideoEncoder {
  private readonly child;
  private readonly stderr = new StderrRing();
  private readonly exited: Promise<number | null>;

  constructor(out: string, info: RawVideoInfo) {
    this.child = spawn(
      requireFfmpeg(),
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24']
        .concat(['-s', `${info.width}x${info.height}`, '-r', String(info.fps), '-i', 'pipe:0'])
        .concat(['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-threads', '1'])
        .concat(['-movflags', '+faststart', '-y', out]),
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    this.child.stderr.on('data', (c: Buffer) => this.stderr.push(c));
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
  }

  async write(rgb: Uint8Array): Promise<void> {
    if (!this.child.stdin.write(rgb)) await new Promise((r) => this.child.stdin.once('drain', r));
  }

  async end(): Promise<void> {
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0) throw new Error(`ffmpeg could not encode the video (exit ${code}): ${this.stderr.text()}`);
  }
}
