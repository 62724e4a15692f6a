import type { FootageTruth, TruthAppearance } from '../../pipeline/evaluation/truth.js';
import type {
  ReplayTimeline,
  TimelineAlert,
  TimelineScore,
  TimelineTrack,
} from '../../pipeline/evaluation/timeline.js';

/** Test data builders for the evaluation (hand-built truth and timelines). */

export interface AppearanceSpec {
  identity: string | null;
  actor?: string;
  start: number;
  end: number;
  /** Face entirely in view from/to (default: the whole appearance). */
  faceStart?: number;
  faceEnd?: number;
}

export function makeTruth(
  appearances: AppearanceSpec[],
  opts: { fps?: number; seconds?: number; enrolled?: string[] } = {},
): FootageTruth {
  const fps = opts.fps ?? 10;
  const seconds = opts.seconds ?? 20;
  const counts = new Map<string, number>();
  return {
    format: 'watchpost-truth/1',
    fixture: 'hand-built',
    video: 'hand-built.mp4',
    width: 1280,
    height: 720,
    fps,
    frames: Math.round(seconds * fps),
    durationSec: seconds,
    lighting: 'day',
    gallery: 'gallery',
    enrolled: opts.enrolled ?? ['subject-a'],
    description: 'hand-built for a test',
    appearances: appearances.map((a): TruthAppearance => {
      const actor = a.actor ?? a.identity ?? 'stranger';
      const n = (counts.get(actor) ?? 0) + 1;
      counts.set(actor, n);
      const faceStart = a.faceStart ?? a.start;
      const faceEnd = a.faceEnd ?? a.end;
      const frames = [];
      for (let i = Math.round(a.start * fps); i <= Math.round(a.end * fps); i++) {
        const t = i / fps;
        const face = t >= faceStart - 1e-9 && t <= faceEnd + 1e-9;
        frames.push({
          i,
          t,
          personBox: [100, 300, 300, 720] as [number, number, number, number],
          faceBox: face ? ([150, 320, 240, 410] as [number, number, number, number]) : null,
        });
      }
      return {
        id: `${actor}#${n}`,
        identity: a.identity,
        actor,
        start: a.start,
        end: a.end,
        faceStart,
        faceEnd,
        faceWidthPx: { min: 90, max: 90 },
        frames,
      };
    }),
  };
}

export function makeTrack(
  id: string,
  name: string | null,
  start: number,
  end: number,
  scores: Array<[t: number, name: string | null, distance: number | null]> = [],
): TimelineTrack {
  return {
    id,
    start,
    end,
    identity: name ? { name } : null,
    scores: scores.map(([t, n, distance]): TimelineScore => ({ t, name: n, distance })),
  };
}

export function makeAlert(name: string, t: number, distance = 0.45, trackId?: string): TimelineAlert {
  return { identity: { name }, t, distance, ...(trackId ? { trackId } : {}) };
}

export function makeTimeline(
  tracks: TimelineTrack[],
  alerts: TimelineAlert[],
  opts: { durationSec?: number; threshold?: number } = {},
): ReplayTimeline {
  return {
    video: 'hand-built.mp4',
    durationSec: opts.durationSec ?? 20,
    frames: Math.round((opts.durationSec ?? 20) * 5),
    threshold: opts.threshold ?? 0.56,
    votes: { k: 2, n: 5 },
    tracks,
    alerts,
  };
}
