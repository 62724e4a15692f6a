import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DecodedImage, DescribedFace } from '../../models/index.js';
import { headRegion } from '../../pipeline/best-frame.js';
import { bystanderSeconds, type Config } from '../../pipeline/config/index.js';
import type { MatchEvent } from '../../pipeline/events.js';
import type { Box } from '../../pipeline/geometry.js';
import { JOB, type IdentifyJob } from '../../pipeline/queues.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import { qualityProblems } from '../../pipeline/face-quality-rule.js';
import { aggregateVotes, type FrameVote, identifyVoteOptions, type VoteDecision } from '../../pipeline/track-votes.js';
import { idsForCamera } from '../../pipeline/watchlist.js';
import type { FrameStore } from '../../runtime/frame-store.js';
import type { Logger } from '../../runtime/logger.js';
import { metrics } from '../../runtime/metrics.js';
import type { JobQueue } from '../../runtime/queues.js';
import { recordFaceSize } from '../../runtime/face-sizes.js';
import { appendTrackLog } from '../../runtime/track-log.js';
import { type Appearance, continuesAppearance } from './appearance.js';
import { identifyMetrics } from './identify-metrics.js';
import type { LoadedWatchlist } from './watchlist-cache.js';

/** What the identify stage needs; models and queues are injected so tests and replays share this code. */
export interface IdentifyDeps {
  cfg: Config;
  log: Logger;
  redis: Redis;
  keys: RedisKeys;
  frames: FrameStore;
  watchlist: { current(): Promise<LoadedWatchlist | null> };
  decode: (jpeg: Buffer) => Promise<DecodedImage>;
  /** Faces inside `region`, each with its descriptor (FaceChain.describeAll). */
  describe: (img: DecodedImage, region: Box) => Promise<DescribedFace[]>;
  /** Distance under which a face matches (the embedder's threshold, or cfg.models.faceEmbedder.matchThreshold). */
  threshold: number;
  cropJpeg: (img: DecodedImage, face: Box) => Promise<Buffer>;
  alertsQueue: Pick<JobQueue<'alerts'>, 'add'>;
}

export type IdentifyOutcome =
  | { outcome: 'no_watchlist' | 'already_matched' | 'expired' | 'no_face' }
  | { outcome: 'voted'; distance: number | null; candidate: string | null }
  | { outcome: 'matched'; eventId: string };

/** Votes and match of a track live this long (a track is minutes at most). */
const TRACK_TTL_SECONDS = 3600;
/** The best frame and face crop of a match outlive the frame TTL, so the alert worker can copy them. */
const EVIDENCE_TTL_SECONDS = 900;

/** Stable per (camera, track): a retried or replayed match carries the same id, and the API keeps one alert. */
export const matchEventId = (cameraId: string, trackId: string) => `match-${cameraId}-${trackId}`;

/** What trackMatch holds: the event, and which frame's job created it (only that job re-sends it on retry). */
interface StoredMatch {
  event: MatchEvent;
  creatorSeq: number;
  /** Set when this track continued an appearance that already raised its event (no event of its own). */
  mergedInto?: string;
}

/** Extends the appearance of a matched perpetrator on a camera to `ts` (frame time, so replays stay deterministic). */
async function touchAppearance(deps: IdentifyDeps, cameraId: string, perpetratorId: string, ts: number): Promise<void> {
  const key = deps.keys.appearance(cameraId, perpetratorId);
  const raw = await deps.redis.get(key);
  if (!raw) return;
  const a = JSON.parse(raw) as Appearance;
  if (ts > a.lastTs) await deps.redis.set(key, JSON.stringify({ ...a, lastTs: ts }), 'EX', TRACK_TTL_SECONDS);
}

const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
/** Face crops are numbered per track within a frame (two tracks may share a frame). */
const cropIndex = (trackId: string) => Number(/(\d+)$/.exec(trackId)?.[1] ?? 0);

/**
 * One frame of one track: the face in the head region, its descriptor, the nearest
 * watchlist identity allowed on this camera, a vote stored in Redis (per track, so
 * workers stay stateless), and, once k of n votes agree, one MatchEvent on the
 * alerts queue with its evidence.
 */
export async function processIdentify(job: IdentifyJob, deps: IdentifyDeps): Promise<IdentifyOutcome> {
  const { cameraId, trackId } = job;
  const wl = await deps.watchlist.current();
  const allowed = wl ? idsForCamera(wl.snapshot, cameraId) : new Set<string>();
  if (!wl || allowed.size === 0) {
    identifyMetrics.frames.inc({ outcome: 'no_watchlist' });
    return { outcome: 'no_watchlist' };
  }
  const matchKey = deps.keys.trackMatch(cameraId, trackId);
  const existing = await deps.redis.get(matchKey);
  if (existing) {
    const stored = JSON.parse(existing) as StoredMatch;
    await touchAppearance(deps, cameraId, stored.event.perpetratorId, job.ts);
    // The job that created the match may have died before enqueueing it: its retry sends it again.
    if (stored.mergedInto || stored.creatorSeq !== job.seq) return { outcome: 'already_matched' };
    await deps.alertsQueue.add(JOB.match, stored.event, { jobId: stored.event.eventId });
    return { outcome: 'matched', eventId: stored.event.eventId };
  }

  const jpeg = await deps.frames.get(job.frameKey);
  if (!jpeg) {
    metrics.framesDropped.inc({ camera: cameraId, reason: 'expired_before_identify' });
    identifyMetrics.frames.inc({ outcome: 'expired' });
    return { outcome: 'expired' };
  }
  let img: DecodedImage;
  try {
    img = await deps.decode(jpeg);
  } catch (err) {
    metrics.framesCorrupt.inc({ camera: cameraId });
    throw new UnrecoverableError(`frame ${job.frameKey}: ${(err as Error).message}`);
  }

  const { faceScore, minFacePx } = deps.cfg.identify;
  // People standing close share head regions: the person's own face is the one above the box's centre line.
  const centre = (job.personBox[0] + job.personBox[2]) / 2;
  const offCentre = (b: Box) => Math.abs((b[0] + b[2]) / 2 - centre);
  const width = (f: DescribedFace) => f.face.box[2] - f.face.box[0];
  const seen = (await deps.describe(img, headRegion(job.personBox, img)))
    .filter((f) => f.face.score >= faceScore)
    .sort((a, b) => offCentre(a.face.box) - offCentre(b.face.box) || area(b.face.box) - area(a.face.box));
  // Every live face's width counts towards the camera's face-size hint, those too small to describe most of all.
  if (seen[0] && !job.replayId) await recordFaceSize(deps.redis, deps.keys, cameraId, width(seen[0]));
  const face = seen.filter((f) => width(f) >= minFacePx)[0];
  if (!face) {
    identifyMetrics.frames.inc({ outcome: 'no_face' });
    return { outcome: 'no_face' };
  }
  // Nearest allowed identity at any distance (analysts' threshold sweeps need the misses too), and the next one's distance.
  const top = wl.gallery.nearestTwo(face.descriptor, { allowedIds: allowed });
  const nearest = top?.best ?? null;
  const problems = qualityProblems(face.measures, deps.cfg.identify.voteQuality);
  const voteOptions = identifyVoteOptions(deps.cfg.identify, deps.threshold);
  const under = nearest !== null && problems.length === 0 && nearest.distance < deps.threshold;
  // Face crops are kept only for faces that look like a watched person (privacy of bystanders).
  const faceCropKey = under
    ? await deps.frames.putFaceCrop(cameraId, job.seq, cropIndex(trackId), await deps.cropJpeg(img, face.face.box))
    : null;
  const vote: FrameVote = {
    seq: job.seq,
    ts: job.ts,
    candidateId: nearest?.id ?? null,
    candidateName: nearest?.name ?? null,
    distance: nearest?.distance ?? null,
    secondDistance: top?.secondDistance ?? null,
    weight: face.quality,
    widthPx: face.measures.widthPx,
    ...(face.measures.lowLight ? { lowLight: true } : {}),
    problems,
    faceBox: face.face.box,
    personBox: job.personBox,
    frameKey: job.frameKey,
    faceCropKey,
  };
  const all = await storeVote(job, deps, vote);
  identifyMetrics.frames.inc({
    outcome: problems.length ? 'poor_quality' : under ? 'under_threshold' : 'over_threshold',
  });

  const decision = aggregateVotes(
    all.map((s) => JSON.parse(s) as FrameVote),
    voteOptions,
  );
  if (!decision.match) return { outcome: 'voted', distance: vote.distance, candidate: vote.candidateName };

  const event = matchEventOf(job, decision, wl.snapshot.version);
  return raiseMatch(job, deps, event, matchKey);
}

/** Stores the frame's vote with the track's others (and in the track log); returns every vote of the track. */
async function storeVote(job: IdentifyJob, deps: IdentifyDeps, vote: FrameVote): Promise<string[]> {
  const { cameraId, trackId } = job;
  const problems = vote.problems;
  const votesKey = deps.keys.trackVotes(cameraId, trackId);
  const [, , all] = (await deps.redis
    .multi()
    .hset(votesKey, String(job.seq), JSON.stringify(vote))
    .expire(votesKey, TRACK_TTL_SECONDS)
    .hvals(votesKey)
    .exec())!.map(([err, v]) => {
    if (err) throw err;
    return v;
  }) as [unknown, unknown, string[]];
  await appendTrackLog(
    deps.redis,
    deps.keys,
    cameraId,
    [
      {
        type: 'vote',
        cameraId,
        trackId,
        seq: job.seq,
        ts: job.ts,
        candidateId: vote.candidateId,
        candidateName: vote.candidateName,
        distance: vote.distance,
        weight: vote.weight,
        secondDistance: vote.secondDistance ?? null,
        widthPx: vote.widthPx,
        ...(vote.lowLight ? { lowLight: true } : {}),
        problems,
        faceBox: vote.faceBox,
        ...(job.replayId ? { replayId: job.replayId } : {}),
      },
    ],
    bystanderSeconds(deps.cfg),
  );
  return all;
}

/** The match event of a track whose votes agree. */
function matchEventOf(
  job: IdentifyJob,
  decision: Extract<VoteDecision, { match: true }>,
  galleryVersion: number,
): MatchEvent {
  const { cameraId, trackId } = job;
  const best = decision.best;
  return {
    type: 'match',
    eventId: matchEventId(cameraId, trackId),
    cameraId,
    trackId,
    perpetratorId: decision.id,
    name: decision.name,
    distance: decision.distance,
    scores: decision.votes.map((v) => ({
      ts: v.ts,
      seq: v.seq,
      distance: v.distance!,
      faceBox: v.faceBox,
      quality: v.weight,
      ...(v.widthPx === undefined ? {} : { widthPx: v.widthPx }),
      margin: v.secondDistance == null ? null : Math.round((v.secondDistance - v.distance!) * 1e4) / 1e4,
    })),
    evidence: {
      strength: decision.strength,
      framesAgreed: decision.framesAgreed,
      framesDisagreed: decision.framesDisagreed,
      framesIgnored: decision.framesIgnored,
      margin: decision.margin,
    },
    best: {
      frameKey: best.frameKey,
      ts: best.ts,
      seq: best.seq,
      personBox: best.personBox,
      faceBox: best.faceBox,
      faceCropKey: best.faceCropKey,
    },
    firstSeen: Math.min(job.trackStartTs ?? Number.POSITIVE_INFINITY, ...decision.votes.map((v) => v.ts)),
    lastSeen: Math.max(...decision.votes.map((v) => v.ts)),
    galleryVersion,
    ...(job.replayId ? { replayId: job.replayId } : {}),
  };
}

/** Records the match once per appearance, keeps its evidence and queues the event for the alerts worker. */
async function raiseMatch(
  job: IdentifyJob,
  deps: IdentifyDeps,
  event: MatchEvent,
  matchKey: string,
): Promise<IdentifyOutcome> {
  const { cameraId, trackId } = job;
  const best = event.best;
  // One event per appearance, even when the tracker split it into two tracks (a missed
  // detection, a starved worker, a person who stood still and walks off): a match that starts
  // within appearanceGapSeconds of the last sighting of the same perpetrator on this camera,
  // or while that sighting's track is still followed, continues that appearance.
  const appearanceKey = deps.keys.appearance(cameraId, event.perpetratorId);
  const prevRaw = await deps.redis.get(appearanceKey);
  const prev = prevRaw ? (JSON.parse(prevRaw) as Appearance) : null;
  // A replay's log keeps every record; a live camera's only retention.bystanderSeconds.
  const logRetainMs = job.replayId ? Number.POSITIVE_INFINITY : bystanderSeconds(deps.cfg) * 1000;
  const gapMs = deps.cfg.identify.appearanceGapSeconds * 1000;
  if (prev && (await continuesAppearance(deps, prev, event, gapMs, logRetainMs))) {
    const merged: StoredMatch = { event, creatorSeq: job.seq, mergedInto: prev.eventId };
    await deps.redis.set(matchKey, JSON.stringify(merged), 'EX', TRACK_TTL_SECONDS, 'NX');
    // The appearance now follows this track (the one the tracker still has).
    const next: Appearance = { ...prev, trackId, lastTs: Math.max(prev.lastTs, event.lastSeen) };
    await deps.redis.set(appearanceKey, JSON.stringify(next), 'EX', TRACK_TTL_SECONDS);
    deps.log.info({ cameraId, trackId, name: event.name, continues: prev.eventId }, 'match continues an appearance');
    return { outcome: 'already_matched' };
  }
  const stored: StoredMatch = { event, creatorSeq: job.seq };
  const created = await deps.redis.set(matchKey, JSON.stringify(stored), 'EX', TRACK_TTL_SECONDS, 'NX');
  if (created !== 'OK') return { outcome: 'already_matched' };
  const appearance: Appearance = { eventId: event.eventId, trackId, lastTs: event.lastSeen };
  await deps.redis.set(appearanceKey, JSON.stringify(appearance), 'EX', TRACK_TTL_SECONDS);
  await Promise.all([
    deps.frames.keep(best.frameKey, EVIDENCE_TTL_SECONDS),
    best.faceCropKey ? deps.frames.keep(best.faceCropKey, EVIDENCE_TTL_SECONDS) : Promise.resolve(true),
  ]);
  await deps.alertsQueue.add(JOB.match, event, { jobId: event.eventId });
  identifyMetrics.matches.inc({ camera: cameraId });
  deps.log.info({ cameraId, trackId, name: event.name, distance: event.distance, votes: event.scores.length }, 'match');
  return { outcome: 'matched', eventId: event.eventId };
}
