import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  BEST_FRAME_DEFAULTS,
  greyRegion,
  headRegion,
  laplacianVariance,
  newSelectionState,
  restartSelection,
  selectFrame,
  type BestFrameOptions,
} from '../../pipeline/best-frame.js';
import { bystanderSeconds, type Config } from '../../pipeline/config/index.js';
import type { CameraDetections } from '../../pipeline/events.js';
import { appearanceOf } from '../../pipeline/appearance.js';
import type { Box } from '../../pipeline/geometry.js';
import type { Size } from '../../pipeline/regions.js';
import { frameJobId, JOB, type FrameJob, type IdentifyJob } from '../../pipeline/queues.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import {
  finishTracker,
  type ActiveTrack,
  TRACKER_DEFAULTS,
  updateTracker,
  type EndedTrack,
  type TrackerOptions,
} from '../../pipeline/tracker.js';
import { metrics } from '../../runtime/metrics.js';
import type { JobQueue } from '../../runtime/queues.js';
import type { DecodedImage } from '../../models/index.js';
import { detectMetrics } from './detect-metrics.js';
import type { DetectStateStore, DetectState, SaveEffect } from './detect-state.js';
import { lookAtFrame } from './frame-regions.js';
import { motionThumbnail } from './thumbnail.js';
import type { TrackSummary } from '../../pipeline/track-log.js';
import { appendTrackLog } from '../../runtime/track-log.js';

/** What the detect stage needs; the models and queues are injected so tests and replays share this code. */
export interface DetectDeps {
  cfg: Config;
  redis: Redis;
  keys: RedisKeys;
  states: DetectStateStore;
  /** Full decode of a frame (throws on corrupt bytes). */
  decode: (jpeg: Buffer) => Promise<DecodedImage>;
  /** Takes back a decoded frame's pixels once the frame is done (FrameDecoder reuses them). */
  release?: (img: DecodedImage) => void;
  /** People in the planned regions (none: the whole frame), merged; `tracks` are the live tracks' predicted boxes. */
  detectPersons: (
    img: DecodedImage,
    plan?: { regions: Box[]; tracks: Box[] },
  ) => Promise<Array<{ box: Box; score: number }>>;
  /** The detector's input size: tiles and crops take its shape (default: CenterNet's 16:9 input). */
  detectorInput?: Size;
  identifyQueue: Pick<JobQueue<'identify'>, 'add'>;
  /** Motion mask from cfg.detect.motionMasks (pipeline/motion-gate.ts motionMask). */
  mask: Uint8Array;
  tracker?: TrackerOptions;
  bestFrame?: BestFrameOptions;
}

export type FrameOutcome =
  | { outcome: 'detected'; persons: number; tracks: number; identify: number; ended: number }
  | { outcome: 'skipped' | 'expired' | 'out_of_order' | 'repeat' };

/** Lowest person score the tracker uses: ByteTrack extends tracks with low-score detections too. */
export const trackerLowScore = (cfg: Config) => Math.min(TRACKER_DEFAULTS.lowScore, cfg.detect.personScore);

/** Global, stable id of a tracker track: the state's epoch makes ids unique across state resets. */
export const globalTrackId = (state: Pick<DetectState, 'epoch'>, id: string) => `${state.epoch}-${id}`;

/** BullMQ job id of an identify job: a retried frame enqueues the same job again, which BullMQ ignores. */
const identifyJobId = (j: IdentifyJob) => `${j.cameraId}|${j.seq}|${j.trackId}`;

function summarise(state: DetectState, t: EndedTrack, cameraId: string, replayId: string | undefined): TrackSummary {
  const sel = state.selection[t.id];
  return {
    type: 'track',
    cameraId,
    trackId: globalTrackId(state, t.id),
    firstTs: t.firstTs,
    lastTs: t.lastTs,
    firstSeq: t.firstSeq,
    lastSeq: t.lastSeq,
    hits: t.hits,
    identifyFrames: sel?.sent ?? 0,
    best: sel?.best ?? null,
    ...(replayId ? { replayId } : {}),
  };
}

async function emit(deps: DetectDeps, cameraId: string, out: NonNullable<DetectState['lastOutput']>): Promise<void> {
  for (const job of out.identify) await deps.identifyQueue.add(JOB.identify, job, { jobId: identifyJobId(job) });
  await appendTrackLog(deps.redis, deps.keys, cameraId, out.ended, bystanderSeconds(deps.cfg));
}

/**
 * One frame of one camera (frames of a camera arrive in order: one partition,
 * global concurrency 1): motion gate, person detection, tracking, frame selection,
 * identify jobs. State is read from and written back to Redis, so the handler itself
 * is stateless; a retry of the last applied frame re-sends its output (idempotent).
 */
export async function processFrame(job: FrameJob, deps: DetectDeps): Promise<FrameOutcome> {
  const { cfg } = deps;
  const { cameraId } = job;
  // The epoch comes from the first frame's time, so a replay of the same file yields the same track ids.
  const { state: loaded, rev, jpeg } = await deps.states.loadWithFrame(cameraId, job.ts, job.frameKey);
  const state: DetectState = structuredClone(loaded);
  // A replay's publisher waits for this, to queue its next frame (workers/ingest/frame-publisher.ts).
  const done: SaveEffect[] =
    job.mode === 'lossless'
      ? [
          {
            op: 'push',
            key: deps.keys.framesDone(cameraId, job.replayId ?? ''),
            value: frameJobId(job),
            ttlSeconds: cfg.ingest.frameTtlSeconds,
          },
        ]
      : [];
  const save = (effects: SaveEffect[] = []) => deps.states.save(cameraId, rev, state, [...effects, ...done]);

  if (state.lastSeq === job.seq && state.lastTs === job.ts) {
    if (state.lastOutput) await emit(deps, cameraId, state.lastOutput);
    return { outcome: 'repeat' };
  }
  if (state.lastTs !== null && job.ts < state.lastTs) {
    state.counters.outOfOrder++;
    detectMetrics.outOfOrder.inc({ camera: cameraId });
    await save();
    return { outcome: 'out_of_order' };
  }
  state.counters.frames++;

  if (!jpeg) {
    state.counters.expired++;
    metrics.framesDropped.inc({ camera: cameraId, reason: 'expired' });
    await save();
    return { outcome: 'expired' };
  }

  const corrupt = async (err: Error): Promise<never> => {
    state.counters.corrupt++;
    metrics.framesCorrupt.inc({ camera: cameraId });
    await save();
    throw new UnrecoverableError(`frame ${job.frameKey}: ${err.message}`);
  };

  // One decode serves the motion gate and the detector: the gate's thumbnail costs less
  // from decoded pixels than a second, shrinking decode would (bench/pipeline.ts).
  let img: DecodedImage;
  try {
    img = await deps.decode(jpeg);
  } catch (err) {
    return corrupt(err as Error);
  }
  try {
    return await detectInFrame(job, deps, state, save, img);
  } finally {
    deps.release?.(img);
  }
}

/** The decoded frame's part of processFrame: gate, detection, tracking, selection, output. */
async function detectInFrame(
  job: FrameJob,
  deps: DetectDeps,
  state: DetectState,
  save: (effects?: SaveEffect[]) => Promise<void>,
  img: DecodedImage,
): Promise<FrameOutcome> {
  const { cfg } = deps;
  const { cameraId } = job;
  const thumb = motionThumbnail(img);
  const { gate, regions, tracks } = lookAtFrame({
    cfg,
    setting: job.regions,
    frame: img,
    model: deps.detectorInput,
    ts: job.ts,
    thumb,
    reference: state.reference ? new Uint8Array(Buffer.from(state.reference, 'base64')) : null,
    mask: deps.mask,
    tracker: state.tracker,
    lastDetectionTs: state.lastDetectionTs,
  });
  state.lastSeq = job.seq;
  state.lastTs = job.ts;
  if (!gate.detect) {
    state.counters.skipped++;
    detectMetrics.gated.inc({ camera: cameraId, outcome: 'skipped' });
    state.lastOutput = null;
    await save();
    return { outcome: 'skipped' };
  }
  detectMetrics.gated.inc({ camera: cameraId, outcome: 'detected' });

  const persons = (await deps.detectPersons(img, { regions, tracks })).map((p) => ({
    ...p,
    appearance: appearanceOf(img, p.box),
  }));
  state.counters.detected++;
  state.counters.regions = (state.counters.regions ?? 0) + regions.length;
  detectMetrics.regions.inc({ camera: cameraId }, regions.length);
  state.reference = Buffer.from(thumb).toString('base64');
  state.lastDetectionTs = job.ts;

  const trackerOpts = deps.tracker ?? {
    ...TRACKER_DEFAULTS,
    highScore: cfg.detect.personScore,
    lowScore: trackerLowScore(cfg),
  };
  const step = updateTracker(state.tracker, persons, { ts: job.ts, seq: job.seq }, trackerOpts);
  state.tracker = step.state;

  const identify = await chooseForIdentify(job, deps, state, step.active, img);

  const ended = step.ended.map((t) => summarise(state, t, cameraId, job.replayId));
  for (const t of step.ended) delete state.selection[t.id];
  state.counters.identifyJobs += identify.length;
  state.lastOutput = { identify, ended };
  await save(job.mode === 'live' ? [detectionsEffect(job, deps, state, step.active, regions)] : []);
  await emit(deps, cameraId, state.lastOutput);
  return {
    outcome: 'detected',
    persons: persons.length,
    tracks: step.active.length,
    identify: identify.length,
    ended: ended.length,
  };
}

/** Tracks whose frame is worth identifying now (best-frame selection), minus those already matched. */
async function chooseForIdentify(
  job: FrameJob,
  deps: DetectDeps,
  state: DetectState,
  active: ActiveTrack[],
  img: DecodedImage,
): Promise<IdentifyJob[]> {
  const { cameraId } = job;
  const selectionOpts = deps.bestFrame ?? BEST_FRAME_DEFAULTS;
  const candidates = active.map((t) => {
    const head = headRegion(t.box, img);
    const prior = state.selection[t.id] ?? newSelectionState();
    // The track's look follows its person over a few frames: one restart per change.
    const changed = t.lookChange !== null && t.lookChange > selectionOpts.lookChangeReset;
    const sel = selectFrame(
      changed && !prior.lookChanged ? restartSelection(prior) : prior,
      {
        seq: job.seq,
        ts: job.ts,
        frameKey: job.frameKey,
        personBox: t.box,
        headPx: head[2] - head[0],
        sharpness: laplacianVariance(greyRegion(img, head)),
      },
      selectionOpts,
    );
    state.selection[t.id] = { ...sel.state, lookChanged: changed };
    return { t, send: sel.send };
  });
  const wanted = candidates.filter((c) => c.send);
  // A track that already matched needs no more identification (one match per appearance).
  const matched = wanted.length
    ? await deps.redis
        .pipeline(wanted.map((c) => ['exists', deps.keys.trackMatch(cameraId, globalTrackId(state, c.t.id))]))
        .exec()
    : [];
  const identify: IdentifyJob[] = [];
  wanted.forEach((c, i) => {
    if (matched?.[i]?.[1] === 1) return;
    identify.push({ ...job, trackId: globalTrackId(state, c.t.id), personBox: c.t.box, trackStartTs: c.t.firstTs });
  });
  return identify;
}

/** Live: the camera wall draws these on the frame they belong to (GET /v1/cameras/:id/frame?boxes=1). */
function detectionsEffect(
  job: FrameJob,
  deps: DetectDeps,
  state: DetectState,
  active: ActiveTrack[],
  regions: CameraDetections['regions'],
): SaveEffect {
  const seen: CameraDetections = {
    cameraId: job.cameraId,
    seq: job.seq,
    ts: job.ts,
    frameKey: job.frameKey,
    width: job.width,
    height: job.height,
    persons: active.map((t) => ({ trackId: globalTrackId(state, t.id), box: t.box })),
    regions,
  };
  const ttlSeconds = deps.cfg.ingest.frameTtlSeconds;
  return { op: 'set', key: deps.keys.cameraDetections(job.cameraId), value: JSON.stringify(seen), ttlSeconds };
}

/**
 * End of a replayed file: ends every open track of the camera and logs its summary
 * (live cameras never call this: their tracks end by timeout). Returns the camera's
 * frame counters.
 */
export async function finishCamera(
  deps: Pick<DetectDeps, 'redis' | 'keys' | 'states' | 'cfg'>,
  cameraId: string,
  replayId?: string,
): Promise<DetectState['counters']> {
  const { state, rev } = await deps.states.load(cameraId, Date.now());
  const ended = finishTracker(state.tracker).map((t) => summarise(state, t, cameraId, replayId));
  const next: DetectState = { ...state, tracker: { ...state.tracker, tracks: [] }, selection: {}, lastOutput: null };
  await deps.states.save(cameraId, rev, next);
  await appendTrackLog(deps.redis, deps.keys, cameraId, ended, bystanderSeconds(deps.cfg));
  return state.counters;
}
