import type { Redis } from 'ioredis';
import type { SelectionState } from '../../pipeline/best-frame.js';
import type { IdentifyJob } from '../../pipeline/queues.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import { newTrackerState, type TrackerState } from '../../pipeline/tracker.js';
import type { TrackSummary } from '../../pipeline/track-log.js';
import { FrameStore } from '../../runtime/frame-store.js';

/**
 * Everything the detect worker remembers about one camera between frames. It lives
 * in Redis, not in the process, so that any detect worker can take over a partition
 * (after a crash, or when workers are scaled) and continue the camera's tracks.
 */
export interface DetectState {
  /** Makes track ids unique across state resets (expiry, new deployment): base-36 time of creation. */
  epoch: string;
  /** Last frame applied to this state (a retried job of that frame re-sends `lastOutput`). */
  lastSeq: number | null;
  lastTs: number | null;
  tracker: TrackerState;
  /** Frame selection state per tracker track id. */
  selection: Record<string, SelectionState>;
  /** Motion gate: base64 thumbnail of the last frame that went to detection. */
  reference: string | null;
  lastDetectionTs: number | null;
  counters: DetectCounters;
  /** What the last applied frame produced, so a retry after a crash produces it again (idempotent). */
  lastOutput: { identify: IdentifyJob[]; ended: TrackSummary[] } | null;
}

export interface DetectCounters {
  /** Frames taken from the queue. */
  frames: number;
  /** Frames that went to person detection. */
  detected: number;
  /** Frames the motion gate let skip detection. */
  skipped: number;
  /** Frames whose bytes had expired before detection (live mode falling behind). */
  expired: number;
  /** Frames older than one already applied (a retried job overtaken by later frames). */
  outOfOrder: number;
  /** Frames that were not a decodable image. */
  corrupt: number;
  /** Frames sent to identification. */
  identifyJobs: number;
  /** Detector runs (regions examined) over the detected frames: the cost of detect.regions. */
  regions: number;
}

export const newDetectState = (now: number): DetectState => ({
  epoch: now.toString(36),
  lastSeq: null,
  lastTs: null,
  tracker: newTrackerState(),
  selection: {},
  reference: null,
  lastDetectionTs: null,
  counters: { frames: 0, detected: 0, skipped: 0, expired: 0, outOfOrder: 0, corrupt: 0, identifyJobs: 0, regions: 0 },
  lastOutput: null,
});

const parsed = (rev: string | null, json: string | null, now: number): { state: DetectState; rev: string } =>
  rev && json ? { state: JSON.parse(json) as DetectState, rev } : { state: newDetectState(now), rev: '' };

/** Another worker saved this camera's state since we read it: retry the job (it re-reads). */
export class DetectStateConflictError extends Error {
  override name = 'DetectStateConflictError';
}

/**
 * Sets {rev, json} only if rev is still what we read (optimistic concurrency), and
 * refreshes the TTL; then each further key gets its effect (ARGV triples after the
 * fourth: 'set' or 'push', value, TTL).
 */
const SAVE_IF_UNCHANGED = `
local rev = redis.call('HGET', KEYS[1], 'rev')
if (rev or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'json', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
for i = 2, #KEYS do
  local a = 4 + (i - 2) * 3
  if ARGV[a + 1] == 'set' then
    redis.call('SET', KEYS[i], ARGV[a + 2], 'EX', ARGV[a + 3])
  else
    redis.call('RPUSH', KEYS[i], ARGV[a + 2])
    redis.call('EXPIRE', KEYS[i], ARGV[a + 3])
  end
end
return 1`;

/** What a state save also does, in its round trip and only if it wins: set a key, or append to a list. */
export interface SaveEffect {
  op: 'set' | 'push';
  key: string;
  value: string;
  ttlSeconds: number;
}

/** A camera's state idle this long is forgotten (its tracks ended long ago). */
export const DETECT_STATE_TTL_SECONDS = 3600;

export class DetectStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The camera's state and its revision ('' when there is none yet). */
  async load(cameraId: string, now: number): Promise<{ state: DetectState; rev: string }> {
    const [rev, json] = await this.redis.hmget(this.keys.detectState(cameraId), 'rev', 'json');
    return parsed(rev ?? null, json ?? null, now);
  }

  /**
   * `load` and a frame's bytes (null once expired) in one round trip: each round trip
   * costs the worker about as much CPU as a tenth of the frame's JPEG decode.
   */
  async loadWithFrame(
    cameraId: string,
    now: number,
    frameKey: string,
  ): Promise<{ state: DetectState; rev: string; jpeg: Buffer | null }> {
    const batch = this.redis.pipeline().hmget(this.keys.detectState(cameraId), 'rev', 'json');
    const replies = await FrameStore.getIn(batch, frameKey).exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) throw failed?.[0] ?? new Error('detect state: Redis returned no replies');
    const [rev, json] = replies[0]![1] as (string | null)[];
    return { ...parsed(rev ?? null, json ?? null, now), jpeg: replies[1]![1] as Buffer | null };
  }

  /**
   * Saves the state if nobody else did since `rev` was read; throws DetectStateConflictError
   * otherwise. The effects happen with it, in the same round trip, only if the save succeeds.
   */
  async save(cameraId: string, rev: string, state: DetectState, effects: readonly SaveEffect[] = []): Promise<void> {
    const next = String((Number(rev) || 0) + 1);
    const keys = [this.keys.detectState(cameraId), ...effects.map((e) => e.key)];
    const args = [
      rev,
      next,
      JSON.stringify(state),
      DETECT_STATE_TTL_SECONDS,
      ...effects.flatMap((e) => [e.op, e.value, e.ttlSeconds]),
    ];
    const ok = await this.redis.eval(SAVE_IF_UNCHANGED, keys.length, ...keys, ...args);
    if (ok !== 1)
      throw new DetectStateConflictError(`detect state of camera ${cameraId} changed concurrently (rev ${rev})`);
  }
}
