import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { requireFfmpeg } from '../system-tools.js';
import { type FfmpegExit, StderrRing, sourceInputArgs } from './ffmpeg-frames.js';

export interface SegmentRecorderOptions {
  /** The camera's stream (rtsp, http or, where allowed, a file). May carry credentials: never logged unredacted. */
  url: string;
  /** Folder the segments are written to before they are taken (one per recorder). */
  dir: string;
  /** Target segment length; ffmpeg cuts at the first keyframe after it. */
  segmentSeconds: number;
  /** Copy the camera's own encoding (H.264/H.265: no decode, almost no CPU), or encode H.264 (MJPEG sources). */
  encode: boolean;
  rtspTransport?: 'tcp' | 'udp';
  /** Read a file at its native rate, like a live camera (tests, the demo). */
  realtime?: boolean;
  loop?: boolean;
  ioTimeoutMs?: number;
}

/** A finished segment file and its place in the stream (seconds from the recorder's start). */
export interface SegmentFile {
  path: string;
  startSec: number;
  endSec: number;
  /** Wall clock when ffmpeg closed it (ms): the segment's end. */
  closedAt: number;
}

export function segmentArgs(o: SegmentRecorderOptions): string[] {
  const input = sourceInputArgs(o);
  const codec = o.encode
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-threads', '1']
    : ['-c:v', 'copy'];
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...input,
    '-i',
    o.url,
    '-map',
    '0:v:0',
    '-an',
    ...codec,
    '-f',
    'segment',
    '-segment_time',
    String(o.segmentSeconds),
    '-segment_format',
    'mpegts',
    // Each finished segment is announced on stdout as "name,start,end": no polling of the folder.
    '-segment_list',
    'pipe:1',
    '-segment_list_type',
    'csv',
    join(o.dir, 'seg%09d.ts'),
  ];
}

export interface SegmentRecorderProcess {
  /** ffmpeg's process id (metrics and benchmarks read its memory). */
  pid: number | undefined;
  /** Finished segments as ffmpeg closes them; ends when ffmpeg exits. */
  segments: AsyncIterable<SegmentFile>;
  exited: Promise<FfmpegExit>;
  stop(): Promise<FfmpegExit>;
}

/** One ffmpeg writing a camera's stream into short MPEG-TS segments (see workers/ingest/clip-recorder.ts). */
export function startSegmentRecorder(o: SegmentRecorderOptions): SegmentRecorderProcess {
  const child = spawn(requireFfmpeg(), segmentArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new StderrRing();
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  let stopped = false;
  const exited = new Promise<FfmpegExit>((resolve) => {
    child.on('error', (err) => stderr.push(`spawn failed: ${err.message}\n`));
    child.on('close', (code, signal) => resolve({ code, signal, stderr: stderr.text(), stopped }));
  });
  async function* segments(): AsyncGenerator<SegmentFile> {
    for await (const line of createInterface({ input: child.stdout })) {
      const [name, start, end] = line.split(',');
      if (!name || start === undefined || end === undefined) continue;
      yield { path: join(o.dir, name), startSec: Number(start), endSec: Number(end), closedAt: Date.now() };
    }
  }
  return {
    pid: child.pid,
    segments: segments(),
    exited,
    async stop() {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        // 'q' is not available (stdin ignored): SIGINT lets ffmpeg close the segment it is writing.
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      }
      return exited;
    },
  };
}
