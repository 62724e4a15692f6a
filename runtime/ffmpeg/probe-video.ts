import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireFfprobe } from '../system-tools.js';

const run = promisify(execFile);

/** The file is not a video the pipeline can replay (text, a still image, audio only...). */
export class UnsupportedVideoError extends Error {
  override name = 'UnsupportedVideoError';
}

export interface VideoInfo {
  /** Container format as ffprobe names it. */
  format: string;
  codec: string;
  width: number;
  height: number;
  /** Duration the container declares (a truncated file still declares its full length). */
  durationSec: number;
}

/** Still-image demuxers: a photo is one frame, not footage. */
const STILL = /(^|,)(image2|[a-z0-9]+_pipe|png|webp)(,|$)/;

/** Reads what ffprobe knows about a file; refuses what is not replayable footage, saying why. */
export async function probeVideo(path: string): Promise<VideoInfo> {
  const ffprobe = requireFfprobe();
  let out: string;
  try {
    const r = await run(
      ffprobe,
      [
        '-v',
        'error',
        '-show_entries',
        'format=format_name,duration:stream=codec_type,codec_name,width,height',
        '-of',
        'json',
        path,
      ],
      {
        maxBuffer: 1 << 20,
      },
    );
    out = r.stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '')
      .trim()
      .split('\n')
      .pop();
    throw new UnsupportedVideoError(`${path}: not a video ffmpeg can read (${stderr || (err as Error).message})`);
  }
  const info = JSON.parse(out) as {
    format?: { format_name?: string; duration?: string };
    streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number }>;
  };
  const format = info.format?.format_name ?? 'unknown';
  const video = info.streams?.find((s) => s.codec_type === 'video');
  if (!video) throw new UnsupportedVideoError(`${path}: no video stream (format ${format})`);
  if (STILL.test(format)) throw new UnsupportedVideoError(`${path}: a still image (${video.codec_name}), not footage`);
  const durationSec = Number(info.format?.duration);
  if (!Number.isFinite(durationSec) || durationSec <= 0)
    throw new UnsupportedVideoError(`${path}: the video declares no duration (format ${format})`);
  return {
    format,
    codec: video.codec_name ?? 'unknown',
    width: video.width ?? 0,
    height: video.height ?? 0,
    durationSec,
  };
}
