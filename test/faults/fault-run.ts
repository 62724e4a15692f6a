import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { type FaultStack, LOOP_MS, PREFIX, walkIn, type Role } from './fault-stack.js';
import {
  appearancesBetween,
  baselineDelay,
  scorePhases,
  type AppearanceWindow,
  type Interval,
  type Phase,
  type PhaseReport,
} from './fault-score.js';

export type FaultName = 'api' | 'alerts' | 'ingest' | 'detect' | 'identify' | 'redis' | 'receiver';
export const FAULTS: readonly FaultName[] = ['api', 'alerts', 'ingest', 'detect', 'identify', 'redis', 'receiver'];

/** A SIGKILLed process costs an alert in flight at most this much extra delay (issue 24). */
export const KILL_TARGET_MS = 5000;
const REDIS_DOWN_MS = 20_000;
const RECEIVER_DOWN_MS = 60_000;
/** After a fault heals, the next appearances still count towards it (they see the restarted stack). */
const SETTLE_MS = 12_000;

const truth = walkIn.truth().appearances[0]!;
export const WINDOW: AppearanceWindow = {
  personFrom: truth.start * 1000,
  personTo: truth.end * 1000,
  faceFrom: (truth.faceStart ?? truth.start) * 1000,
  faceTo: (truth.faceEnd ?? truth.end) * 1000,
  loopMs: LOOP_MS,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Records, for every camera, the gaps between frames the pipeline stored (the camera
 * status the ingest worker writes to Redis, read directly: the API may be what was
 * killed): where the cameras were blind. While Redis is down no frame is stored, so
 * the outage shows up as a gap once it is back.
 */
class BlindMonitor {
  readonly blind: Record<string, Interval[]> = {};
  private readonly last = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly redis: Redis;

  constructor(private readonly stack: FaultStack) {
    this.redis = new Redis(stack.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.redis.on('error', () => {});
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), 250);
  }

  private async sample(): Promise<void> {
    try {
      const keys = this.stack.cameraIds.map((id) => globalKeys(PREFIX).cameraStatus(id));
      const values = await this.redis.mget(...keys);
      for (const [i, id] of this.stack.cameraIds.entries()) {
        const at = values[i] ? (JSON.parse(values[i]!) as { lastFrameAt: number | null }).lastFrameAt : null;
        if (!at) continue;
        const prev = this.last.get(id);
        // Status is written about once a second: a gap over 2.5 s is frames missing.
        if (prev !== undefined && at - prev > 2500) {
          const gaps = this.blind[id] ?? [];
          gaps.push({ from: prev, to: at });
          this.blind[id] = gaps;
        }
        if (prev === undefined || at > prev) this.last.set(id, at);
      }
    } catch {
      // Redis is what the fault took away: the gap shows up when it is back.
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.redis.disconnect();
  }
}

/** The next moment a face becomes visible on any camera, at least `leadMs` from now. */
function nextFace(stack: FaultStack, leadMs: number): { cameraId: string; face: Interval } {
  const from = Date.now() + leadMs;
  const next = appearancesBetween(WINDOW, Object.fromEntries(stack.publishedAt), from, from + LOOP_MS + 1)[0];
  if (!next) throw new Error('no appearance within a loop');
  return next;
}

/** Resolves when a match job is added to the alerts queue after `after` (the alert is in flight). */
function matchQueuedAfter(events: QueueEvents, after: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off('added', onAdded);
      reject(new Error(`no match job queued within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAdded = ({ name }: { name: string }) => {
      if (name !== JOB.match || Date.now() < after) return;
      clearTimeout(timer);
      events.off('added', onAdded);
      resolve();
    };
    events.on('added', onAdded);
  });
}

/** Which ingest slot reads a camera (stable worker ids ingest-0, ingest-1). */
async function ingestSlotOf(stack: FaultStack, cameraId: string): Promise<number> {
  const cam = await stack.api<{ status?: { ingestWorker: string | null } }>('GET', `/v1/cameras/${cameraId}`);
  return Number(/^ingest-(\d+)$/.exec(cam.status?.ingestWorker ?? '')?.[1] ?? 0);
}

/** Runs one fault; returns its phase (what it did and when). */
async function runFault(stack: FaultStack, fault: FaultName, alertEvents: QueueEvents): Promise<Phase> {
  const start = Date.now();
  const phase: Phase = { name: fault, start, end: 0, blind: {}, targetMs: KILL_TARGET_MS, expectOffline: [] };
  const { cameraId, face } = nextFace(stack, 3000);
  const kill = async (role: Role, index = 0) => {
    phase.faultAt = Date.now();
    await stack.kill(role, index);
  };
  switch (fault) {
    case 'api':
    case 'alerts':
      // Within milliseconds of the alert being queued: the dead process may hold its job.
      await matchQueuedAfter(alertEvents, face.from, LOOP_MS);
      await kill(fault);
      break;
    case 'ingest': {
      // Just before the face shows: the camera is blind when it matters.
      const slot = await ingestSlotOf(stack, cameraId);
      await sleep(face.from - 500 - Date.now());
      await kill('ingest', slot);
      break;
    }
    case 'detect':
    case 'identify':
      // While the face's frames are being worked on.
      await sleep(face.from + (fault === 'detect' ? 300 : 800) - Date.now());
      await kill(fault);
      break;
    case 'redis':
      phase.targetMs = null;
      phase.expectOffline = [...stack.cameraIds];
      await sleep(face.from - 5000 - Date.now());
      phase.faultAt = Date.now();
      await stack.redisOutage(REDIS_DOWN_MS);
      break;
    case 'receiver':
      phase.targetMs = null;
      phase.faultAt = Date.now();
      await stack.receiver.down();
      await sleep(RECEIVER_DOWN_MS);
      await stack.receiver.back();
      break;
  }
  await sleep(SETTLE_MS);
  phase.end = Date.now();
  return phase;
}

export interface FaultSuiteResult {
  baselineMs: number;
  reports: PhaseReport[];
  notJson: string[];
}

/** Baseline (no fault) for two loops, then each fault in turn; scored once everything is delivered. */
export async function runFaultSuite(
  stack: FaultStack,
  faults: readonly FaultName[] = FAULTS,
  log: (line: string) => void = () => {},
): Promise<FaultSuiteResult> {
  await stack.streaming(120_000);
  const monitor = new BlindMonitor(stack);
  monitor.start();
  const alertEvents = new QueueEvents(QUEUE.alerts, {
    connection: { url: stack.redisUrl },
    prefix: globalKeys(PREFIX).bull(QUEUE.alerts),
  });
  // Lost while Redis is down; the queue events are only a trigger.
  alertEvents.on('error', () => {});
  await alertEvents.waitUntilReady();
  const phases: Phase[] = [];
  try {
    const t0 = Date.now() + 1000;
    await sleep(2 * LOOP_MS);
    phases.push({ name: 'none', start: t0, end: Date.now(), blind: {}, targetMs: null, expectOffline: [] });
    log(`baseline done`);
    for (const fault of faults) {
      phases.push(await runFault(stack, fault, alertEvents));
      log(`fault ${fault} done`);
    }
    // Whatever is still in flight (the receiver's backlog) gets delivered.
    await sleep(10_000);
  } finally {
    monitor.stop();
    await alertEvents.close();
  }
  for (const p of phases) p.blind = monitor.blind;
  const alerts = await stack.alerts();
  const webhooks = stack.receiver.received.map((r) => ({
    at: r.at,
    event: r.event,
    deliveryId: r.deliveryId,
    alertId: r.alert.id,
  }));
  const input = { window: WINDOW, publishedAt: Object.fromEntries(stack.publishedAt), phases, alerts, webhooks };
  const baselineMs = baselineDelay(scorePhases({ ...input, phases: [phases[0]!], baselineMs: 0 })[0]!);
  return { baselineMs, reports: scorePhases({ ...input, baselineMs }), notJson: stack.notJson() };
}
