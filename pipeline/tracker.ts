import { appearanceDistance, blendAppearance, type Appearance } from './appearance.js';
import type { Box } from './geometry.js';
import { kalmanBox, kalmanInit, kalmanPredict, kalmanUpdate, type KalmanState } from './kalman.js';
import { linearAssignment } from './linear-assignment.js';
import { iou } from './nms.js';

/**
 * ByteTrack-style multi-object tracker for one camera. Pure and deterministic:
 * `updateTracker(state, detections, frame)` returns a new state (plain JSON, kept in
 * Redis between frames so any detect worker can continue a camera) and what happened.
 *
 * Per frame: predict every track with its Kalman filter; associate high-score
 * detections with confirmed and lost tracks by IoU (optimal assignment); then
 * low-score detections with the still unmatched confirmed tracks (ByteTrack's key
 * idea: a partly hidden person keeps their track); then the remaining high-score
 * detections with tentative tracks. A lost track is only taken up again by a detection
 * that looks like its person (clothes colours, pipeline/appearance.ts): IoU alone hands
 * it to whoever steps into the spot its person left. A tentative track is confirmed after `minHits`
 * consecutive hits, a track unmatched for `maxLostMs` ends.
 */
export interface TrackerOptions {
  /** Detections at or above this score take part in the first association (and may start tracks). */
  highScore: number;
  /** Detections between this and highScore only extend existing tracks. */
  lowScore: number;
  /** Least IoU between a predicted track box and a high-score detection. */
  matchIou: number;
  /** Least IoU for the second association (low-score detections, confirmed tracks). */
  lowMatchIou: number;
  /** Least IoU between a tentative track and a detection. */
  tentativeMatchIou: number;
  /** Consecutive hits before a tentative track is confirmed (born). */
  minHits: number;
  /** A track unmatched for this long ends. */
  maxLostMs: number;
  /** A lost track does not take a detection that looks further from its person than this (Hellinger distance). */
  maxLostAppearanceDistance: number;
}

export const TRACKER_DEFAULTS: Readonly<TrackerOptions> = Object.freeze({
  highScore: 0.35,
  lowScore: 0.1,
  matchIou: 0.2,
  lowMatchIou: 0.5,
  tentativeMatchIou: 0.3,
  minHits: 2,
  maxLostMs: 3000,
  maxLostAppearanceDistance: 0.5,
});

export interface Detection {
  box: Box;
  score: number;
  /** Colour histogram of the person (absent: IoU alone decides). */
  appearance?: Appearance | null;
}

export interface TrackState {
  id: string;
  status: 'tentative' | 'confirmed' | 'lost';
  kf: KalmanState;
  /** Time the filter state refers to (ms). */
  kfTs: number;
  hits: number;
  firstTs: number;
  firstSeq: number;
  lastTs: number;
  lastSeq: number;
  /** Last matched detection. */
  box: Box;
  score: number;
  /** The person's colours, averaged over the matched detections. */
  appearance?: Appearance;
}

export interface TrackerState {
  /** Number of the next track; ids are `t<n>`, unique within this state. */
  nextId: number;
  tracks: TrackState[];
}

/** A confirmed track seen in this frame, with the detection it matched. */
export interface ActiveTrack {
  id: string;
  box: Box;
  score: number;
  hits: number;
  firstTs: number;
  firstSeq: number;
  /** Confirmed in this frame. */
  born: boolean;
  /**
   * How different the matched detection looks from the track's person so far
   * (appearance distance; null when either is unknown). High: possibly somebody else now,
   * where two people crossed and the detector saw one.
   */
  lookChange: number | null;
}

/** A confirmed track that ended (lost too long, or the stream finished). */
export interface EndedTrack {
  id: string;
  firstTs: number;
  firstSeq: number;
  lastTs: number;
  lastSeq: number;
  hits: number;
}

export interface TrackerStep {
  state: TrackerState;
  active: ActiveTrack[];
  ended: EndedTrack[];
}

export const newTrackerState = (): TrackerState => ({ nextId: 1, tracks: [] });

/** Whether any track (tentative, confirmed or lost) is alive: then every frame needs detection. */
export const hasLiveTracks = (state: TrackerState): boolean => state.tracks.length > 0;

/**
 * Optimal IoU matching of `tracks` (predicted boxes) to `dets`; returns index pairs and
 * leftovers. A pair is ruled out when `allowed` says so.
 */
function associate(
  tracks: TrackState[],
  dets: Detection[],
  minIou: number,
  allowed: (t: TrackState, d: Detection) => boolean = () => true,
) {
  const cost = tracks.map((t) => dets.map((d) => (allowed(t, d) ? 1 - iou(kalmanBox(t.kf), d.box) : 1)));
  const pairs = linearAssignment(cost, 1 - minIou);
  const matchedT = new Set(pairs.map(([t]) => t));
  const matchedD = new Set(pairs.map(([, d]) => d));
  return {
    pairs: pairs.map(([t, d]) => [tracks[t]!, dets[d]!] as const),
    tracks: tracks.filter((_, i) => !matchedT.has(i)),
    dets: dets.filter((_, i) => !matchedD.has(i)),
  };
}

const summary = (t: TrackState): EndedTrack => ({
  id: t.id,
  firstTs: t.firstTs,
  firstSeq: t.firstSeq,
  lastTs: t.lastTs,
  lastSeq: t.lastSeq,
  hits: t.hits,
});

/** A track that saw `d` in this frame. */
function hitTrack(t: TrackState, d: Detection, frame: { ts: number; seq: number }, minHits: number): TrackState {
  // Tentative tracks die when missed, so their hits are always consecutive.
  const hits = t.hits + 1;
  const status = t.status === 'tentative' && hits < minHits ? 'tentative' : 'confirmed';
  const appearance = blendAppearance(t.appearance, d.appearance);
  return {
    ...t,
    kf: kalmanUpdate(t.kf, d.box),
    status,
    hits,
    lastTs: frame.ts,
    lastSeq: frame.seq,
    box: d.box,
    score: d.score,
    ...(appearance ? { appearance } : {}),
  };
}

/** A track born from an unmatched detection. */
function newTrack(id: string, d: Detection, frame: { ts: number; seq: number }, minHits: number): TrackState {
  const { ts, seq } = frame;
  return {
    id,
    status: minHits <= 1 ? 'confirmed' : 'tentative',
    kf: kalmanInit(d.box),
    kfTs: ts,
    hits: 1,
    firstTs: ts,
    firstSeq: seq,
    lastTs: ts,
    lastSeq: seq,
    box: d.box,
    score: d.score,
    ...(d.appearance ? { appearance: d.appearance } : {}),
  };
}

/** One frame of tracking. `frame.ts` must not go backwards (frames of a camera arrive in order). */
export function updateTracker(
  state: TrackerState,
  detections: Detection[],
  frame: { ts: number; seq: number },
  opts: TrackerOptions = TRACKER_DEFAULTS,
): TrackerStep {
  const { ts } = frame;
  let nextId = state.nextId;
  const predicted = state.tracks.map((t) => ({
    ...t,
    kf: kalmanPredict(t.kf, (ts - t.kfTs) / 1000),
    kfTs: Math.max(ts, t.kfTs),
  }));
  const high = detections.filter((d) => d.score >= opts.highScore);
  const low = detections.filter((d) => d.score >= opts.lowScore && d.score < opts.highScore);

  const hit = (t: TrackState, d: Detection) => hitTrack(t, d, frame, opts.minHits);
  const looksAlike = (t: TrackState, d: Detection) =>
    t.status !== 'lost' ||
    !t.appearance ||
    !d.appearance ||
    appearanceDistance(t.appearance, d.appearance) <= opts.maxLostAppearanceDistance;

  const matched: Array<{ before: TrackState; after: TrackState; seen?: Detection }> = [];
  const pool = predicted.filter((t) => t.status !== 'tentative');
  const first = associate(pool, high, opts.matchIou, looksAlike);
  for (const [t, d] of first.pairs) matched.push({ before: t, after: hit(t, d), seen: d });

  const second = associate(
    first.tracks.filter((t) => t.status === 'confirmed'),
    low,
    opts.lowMatchIou,
  );
  for (const [t, d] of second.pairs) matched.push({ before: t, after: hit(t, d), seen: d });

  const tentative = associate(
    predicted.filter((t) => t.status === 'tentative'),
    first.dets,
    opts.tentativeMatchIou,
  );
  for (const [t, d] of tentative.pairs) matched.push({ before: t, after: hit(t, d), seen: d });

  const matchedIds = new Set(matched.map((m) => m.before.id));
  const ended: EndedTrack[] = [];
  const kept: TrackState[] = matched.map((m) => m.after);
  for (const t of pool) {
    if (matchedIds.has(t.id)) continue;
    if (ts - t.lastTs > opts.maxLostMs) ended.push(summary(t));
    else kept.push({ ...t, status: 'lost' });
  }
  // Unmatched tentative tracks vanish without a trace (ByteTrack: noise, not a person).
  for (const d of tentative.dets) {
    const t = newTrack(`t${nextId++}`, d, frame, opts.minHits);
    kept.push(t);
    if (t.status === 'confirmed') matched.push({ before: { ...t, status: 'tentative' }, after: t });
  }

  const active: ActiveTrack[] = matched
    .filter((m) => m.after.status === 'confirmed')
    .map(({ before, after, seen }) => ({
      id: after.id,
      box: after.box,
      score: after.score,
      hits: after.hits,
      firstTs: after.firstTs,
      firstSeq: after.firstSeq,
      born: before.status === 'tentative',
      lookChange: before.appearance && seen?.appearance ? appearanceDistance(before.appearance, seen.appearance) : null,
    }));
  const byId = (a: { id: string }, b: { id: string }) => Number(a.id.slice(1)) - Number(b.id.slice(1));
  return {
    state: { nextId, tracks: kept.sort(byId) },
    active: active.sort(byId),
    ended: ended.sort(byId),
  };
}

/** Ends every confirmed track (end of a replayed file); returns their summaries. */
export function finishTracker(state: TrackerState): EndedTrack[] {
  return state.tracks.filter((t) => t.status !== 'tentative').map(summary);
}

/** Where each live track's person is expected at `ts` (Kalman prediction), for motion regions. */
export function predictedBoxes(state: TrackerState, ts: number): Box[] {
  return state.tracks.map((t) => kalmanBox(kalmanPredict(t.kf, Math.max(0, ts - t.kfTs) / 1000)));
}
