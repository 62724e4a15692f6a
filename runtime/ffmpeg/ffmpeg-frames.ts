import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { redactUrl } from '../logger.js';
import { ffmpegHasFilter, requireFfmpeg } from '../system-tools.js';
import { inspectJpeg, JpegFramer } from './jpeg-framer.js';

/*
 * A thin child_process.spawn wrapper, not fluent-ffmpeg: that package is deprecated
 * and unmaintained, and we run a single fixed pipeline where we need raw control of
 * stdout (backpressure: pausing it pauses ffmpeg), stderr (bounded, redacted) and
 * the exit code and signal.
 */

export interface FfmpegFrameOptions {
  /** rtsp://, rtsps://, http(s):// or a file path. May carry credentials: never logged unredacted. */
  url: string;
  /** Frames per second sampled (ffmpeg's fps filter: constant rate, so frame n is at n / fps). */
  fps: number;
  /** Wider frames are scaled down to this width. */
  maxWidth: number;
  /** JPEG quality, ffmpeg -q:v (2 best .. 31 worst). */
  jpegQuality: number;
  /** RTSP only: interleaved TCP or RTP over UDP. */
  rtspTransport?: 'tcp' | 'udp';
  /** Read a file at its native rate (-re), like a live camera. */
  realtime?: boolean;
  /** Files only: play the file again and again (-stream_loop -1). */
  loop?: boolean;
  /** Network sources: give up when no data arrives for this long (ms). */
  ioTimeoutMs?: number;
  /** Threads for decoding, filtering and encoding (0: ffmpeg's choice, a few per core); default 1. */
  threads?: number;
  /** Expand to JPEG's full range with zscale (zimg) rather than swscale; default: when this ffmpeg has zscale. */
  zscale?: boolean;
}

export type SourceKind = 'rtsp' | 'http' | 'file';

export function sourceKind(url: string): SourceKind {
  if (/^rtsps?:\/\//i.test(url)) return 'rtsp';
  if (/^https?:\/\//i.test(url)) return 'http';
  return 'file';
}

/** Input options for a source: RTSP transport and quick probing, network timeouts, real-time and looped files. */
export function sourceInputArgs(
  o: Pick<FfmpegFrameOptions, 'url' | 'rtspTransport' | 'ioTimeoutMs' | 'realtime' | 'loop'>,
): string[] {
  const kind = sourceKind(o.url);
  const timeoutUs = String((o.ioTimeoutMs ?? 10_000) * 1000);
  const input: string[] = [];
  if (kind === 'rtsp')
    input.push(
      '-rtsp_transport',
      o.rtspTransport ?? 'tcp',
      '-timeout',
      timeoutUs,
      '-fflags',
      'nobuffer',
      '-analyzeduration',
      '500000',
      '-probesize',
      '500000',
    );
  if (kind === 'http') input.push('-rw_timeout', timeoutUs);
  if (o.realtime) input.push('-re');
  if (o.loop && kind === 'file') input.push('-stream_loop', '-1');
  return input;
}

/** The ffmpeg arguments for one source (exported for tests and for logging with the URL redacted). */
export function ffmpegArgs(o: FfmpegFrameOptions): string[] {
  const input = sourceInputArgs(o);
  // One thread each by default: a camera's decode at 5 fps samples fits in one core, and
  // with a process per camera ffmpeg's thread pools (a few threads per core, each) only
  // cost synchronisation: one thread used 20% less CPU on a 720p camera, and frame
  // threading's decode delay is gone.
  const threads = o.threads ?? 1;
  const pin = (flag: string) => (threads > 0 ? [flag, String(threads)] : []);
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...input,
    ...pin('-threads'),
    '-i',
    o.url,
    '-an',
    '-sn',
    '-dn',
    ...pin('-filter_threads'),
    '-vf',
    videoFilter(o),
    // No metadata segments and no encoder comment: plain JFIF frames.
    '-map_metadata',
    '-1',
    '-flags',
    '+bitexact',
    '-c:v',
    'mjpeg',
    '-pix_fmt',
    'yuvj420p',
    '-q:v',
    String(o.jpegQuality),
    ...pin('-threads'),
    '-f',
    'image2pipe',
    'pipe:1',
  ];
}

/**
 * Samples, fits to the maximum width, and converts to full-range YUV (what JPEG holds).
 * swscale's range conversion cost 1.5 ms of a 720p frame's 6.7 here; zimg's about a
 * tenth of that, with the same pixels for 8-bit limited-range video (the common camera
 * stream). swscale still resizes and brings any other format to yuv420p first.
 */
function videoFilter(o: FfmpegFrameOptions): string {
  const fit = `fps=${o.fps},scale='min(${o.maxWidth},iw)':-2`;
  return (o.zscale ?? ffmpegHasFilter('zscale')) ? `${fit},format=yuv420p,zscale=range=full,format=yuvj420p` : fit;
}

/** Replaces credentials in every URL inside a text (ffmpeg echoes URLs in its errors). */
export const redactText = (text: string) => text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (m) => redactUrl(m));

/** The last lines a process wrote, bounded in lines and characters, credentials removed. */
export class StderrRing {
  private lines: string[] = [];
  private partial = '';

  constructor(
    private readonly maxLines = 40,
    private readonly maxLineChars = 500,
  ) {}

  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split(/\r?\n|\r/);
    this.partial = parts.pop()!.slice(-this.maxLineChars);
    for (const line of parts) if (line.trim()) this.lines.push(redactText(line.slice(0, this.maxLineChars)));
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  }

  text(): string {
    return [...this.lines, ...(this.partial.trim() ? [redactText(this.partial)] : [])].join('\n');
  }
}

/** A sampled frame, or a stretch of bytes that was not a valid JPEG (skipped and counted by the caller). */
export type FrameEvent =
  | { type: 'frame'; jpeg: Buffer; width: number; height: number; index: number; ptsSec: number; receivedAt: number }
  | { type: 'corrupt'; bytes: number; reason: string; index: number };

/**
 * Frames from a byte stream of concatenated JPEGs. Pulling is what reads the stream:
 * while the consumer does not ask for the next frame, the stream is not read and its
 * writer (ffmpeg) blocks; that is lossless backpressure.
 */
export async function* readJpegFrames(stream: Readable, fps: number): AsyncGenerator<FrameEvent> {
  const framer = new JpegFramer();
  let index = 0;
  const event = (out: ReturnType<JpegFramer['push']>[number]): FrameEvent => {
    const n = index++;
    if (!out.ok) return { type: 'corrupt', bytes: out.bytes, reason: out.reason, index: n };
    const check = inspectJpeg(out.jpeg);
    if (!check.ok) return { type: 'corrupt', bytes: out.jpeg.length, reason: check.reason, index: n };
    return {
      type: 'frame',
      jpeg: out.jpeg,
      width: check.width,
      height: check.height,
      index: n,
      ptsSec: n / fps,
      receivedAt: Date.now(),
    };
  };
  try {
    for await (const chunk of stream) {
      for (const out of framer.push(chunk as Buffer)) yield event(out);
    }
  } catch (err) {
    // stop() destroys the stream: that ends the frames, it is not a failure.
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw err;
  }
  const rest = framer.end();
  if (rest) yield event(rest);
}

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines of stderr, credentials redacted. */
  stderr: string;
  /** Whether stop() ended it (not a failure of the source). */
  stopped: boolean;
}

/** One running ffmpeg reading a source and writing JPEG frames. */
export interface FfmpegFrameSource {
  readonly frames: AsyncGenerator<FrameEvent>;
  /** Resolves when ffmpeg has exited, however it ended. */
  readonly exited: Promise<FfmpegExit>;
  readonly pid: number | undefined;
  /** Asks ffmpeg to end (SIGTERM, SIGKILL after `graceMs`); resolves on exit. */
  stop(graceMs?: number): Promise<FfmpegExit>;
}

/** Starts ffmpeg on a source. Iterate `frames`; it ends when ffmpeg's stdout closes. */
export function startFfmpegFrames(opts: FfmpegFrameOptions): FfmpegFrameSource {
  const child: ChildProcess = spawn(requireFfmpeg(), ffmpegArgs(opts), { stdio: ['ignore', 'pipe', 'pipe'] });
  const ring = new StderrRing();
  let stopped = false;
  child.stderr!.on('data', (d: Buffer) => ring.push(d));
  const exited = new Promise<FfmpegExit>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) =>
      resolve({ code, signal, stderr: ring.text(), stopped });
    child.once('error', (err) => {
      ring.push(`spawn failed: ${err.message}\n`);
      done(null, null);
    });
    child.once('close', done);
  });
  return {
    frames: readJpegFrames(child.stdout!, opts.fps),
    exited,
    pid: child.pid,
    stop(graceMs = 2000) {
      if (child.exitCode === null && child.signalCode === null) {
        stopped = true;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        void exited.then(() => clearTimeout(timer));
        // ffmpeg may be blocked writing to a pipe nobody reads (backpressure): closing
        // our end unblocks it (EPIPE) and ends the frames.
        child.stdout!.destroy();
      }
      return exited;
    },
  };
}
