import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { EvidenceConfig } from '../../pipeline/config/evidence.js';
import type { ReplayResult } from '../../pipeline/replay.js';
import { cutClip } from '../../runtime/ffmpeg/ffmpeg-clip.js';
import type { VideoInfo } from '../../runtime/ffmpeg/probe-video.js';

/** One alert's clip from a replay: where it was written and the span of the footage it was asked to cover. */
export interface ReplayClip {
  file: string;
  identity: string;
  fromSec: number;
  toSec: number;
}

const COPYABLE = /^(h264|hevc)$/;
const slug = (s: string) => s.replace(/[^\w.-]+/g, '_').slice(0, 60);

/**
 * `watchpost replay --clips DIR`: the clip of each alert the replay would have fired, cut from the
 * replayed file as a live alert's is from the camera's buffer: `preSeconds` before the track began
 * to `postSeconds` after it was last seen (within the footage), so an analyst can review a day of
 * footage as a list of short videos.
 */
export async function writeReplayClips(
  result: ReplayResult,
  video: { path: string; info: VideoInfo },
  evidence: Pick<EvidenceConfig, 'preSeconds' | 'postSeconds'>,
  dir: string,
): Promise<ReplayClip[]> {
  await mkdir(dir, { recursive: true });
  const name = basename(video.path, extname(video.path));
  const out: ReplayClip[] = [];
  for (const [i, alert] of result.alerts.entries()) {
    const track = result.tracks.find((t) => t.id === alert.track);
    const fromSec = Math.max(0, (track?.start ?? alert.t) - evidence.preSeconds);
    const toSec = Math.min(video.info.durationSec, (track?.end ?? alert.t) + evidence.postSeconds);
    const file = join(dir, `${slug(name)}-alert${i + 1}-${slug(alert.identity.name)}-${alert.t.toFixed(1)}s.mp4`);
    await cutClip(video.path, { fromSec, toSec, copy: COPYABLE.test(video.info.codec), out: file });
    out.push({ file, identity: alert.identity.name, fromSec, toSec });
  }
  return out;
}
