import { z } from 'zod';
import { boxSchema } from './geometry.js';

/** The matched person's box through an event clip: `t` in seconds from the clip's start, boxes in video pixels. */
export const clipTrackSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().positive(),
  boxes: z.array(z.object({ t: z.number().min(0), box: boxSchema })),
});
export type ClipTrack = z.infer<typeof clipTrackSchema>;

/** One WebVTT cue's payload in the metadata track: the box and the video size it is measured in. */
export interface TrackCue {
  box: [number, number, number, number];
  width: number;
  height: number;
}

const stamp = (sec: number) => {
  const ms = Math.max(0, Math.round(sec * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
};

/**
 * The track as a WebVTT metadata track, for a `<track kind="metadata">` beside the clip: one cue
 * per frame the person was found in, lasting until the next frame (JSON `TrackCue` payload), so
 * a player draws the box over the video rather than into it.
 */
export function clipTrackToWebVtt(track: ClipTrack): string {
  const frame = 1 / track.fps;
  const lines = ['WEBVTT', ''];
  track.boxes.forEach((b, i) => {
    const next = track.boxes[i + 1];
    // A gap (person not found) ends the cue after one frame rather than stretching it over the gap.
    const end = next && next.t - b.t <= 2.5 * frame ? next.t : b.t + frame;
    const cue: TrackCue = { box: b.box, width: track.width, height: track.height };
    lines.push(`${stamp(b.t)} --> ${stamp(end)}`, JSON.stringify(cue), '');
  });
  return lines.join('\n');
}
