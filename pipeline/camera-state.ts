/**
 * Per-camera state machine, pure: time comes from an injected clock, and every
 * input returns the transitions it caused, so the ingest worker turns them into
 * reconnects, events and status, and tests drive it without waiting.
 *
 *   connecting ──frame──▶ streaming ──no frame for stallMs / source ended──▶ stalled
 *        │                   ▲                                                │
 *        │                   └───────────────frame────────────────────────────┤
 *        └──no frame for offlineMs──▶ offline ◀──no frame for offlineMs───────┘
 *                                       │ frame: camera.online
 *   stop() from anywhere: stopped
 *
 * `camera.offline` is raised once per outage (tampering is a threat in this domain),
 * `camera.online` only when frames return after an offline event.
 */
export type CameraState = 'connecting' | 'streaming' | 'stalled' | 'offline' | 'stopped';

export interface CameraTransition {
  from: CameraState;
  to: CameraState;
  /** Clock time of the transition, ms. */
  at: number;
  /** Event to raise on the alerts queue, if any. */
  event: 'camera.offline' | 'camera.online' | null;
  /** Last frame time before this transition, ms, or null when none arrived yet. */
  lastFrameAt: number | null;
  reason: string;
}

export interface CameraStateOptions {
  /** No frame for this long while streaming: stalled (the source should be restarted). */
  stallMs: number;
  /** No frame for this long (since the last frame, or since start): offline. */
  offlineMs: number;
}

export class CameraStateMachine {
  private current: CameraState = 'stopped';
  private lastFrame: number | null = null;
  /** Start of the current silence: the last frame, or when we started waiting for the first. */
  private silentSince = 0;

  constructor(
    private readonly opts: CameraStateOptions,
    private readonly clock: () => number,
  ) {
    if (opts.offlineMs < opts.stallMs) throw new RangeError('offlineMs must be at least stallMs');
  }

  get state(): CameraState {
    return this.current;
  }

  get lastFrameAt(): number | null {
    return this.lastFrame;
  }

  /** The source is being (re)started. From stopped: connecting; an outage in progress keeps its state and clock. */
  connect(): CameraTransition[] {
    if (this.current !== 'stopped') return [];
    this.silentSince = this.clock();
    return [this.move('connecting', null, 'source starting')];
  }

  /** A frame arrived. */
  frame(): CameraTransition[] {
    const now = this.clock();
    this.lastFrame = now;
    this.silentSince = now;
    if (this.current === 'streaming' || this.current === 'stopped') return [];
    const event = this.current === 'offline' ? 'camera.online' : null;
    return [this.move('streaming', event, 'frames arriving')];
  }

  /** The source ended (ffmpeg exited): a streaming camera is stalled at once. */
  sourceEnded(reason: string): CameraTransition[] {
    if (this.current !== 'streaming') return [];
    return [this.move('stalled', null, reason)];
  }

  /** Checks the timers; call it periodically (a few times per stallMs). */
  tick(): CameraTransition[] {
    const silence = this.clock() - this.silentSince;
    const out: CameraTransition[] = [];
    if (this.current === 'streaming' && silence >= this.opts.stallMs)
      out.push(this.move('stalled', null, `no frame for ${silence} ms`));
    if ((this.current === 'stalled' || this.current === 'connecting') && silence >= this.opts.offlineMs) {
      out.push(
        this.move(
          'offline',
          'camera.offline',
          this.lastFrame === null ? `no frame within ${silence} ms of connecting` : `no frame for ${silence} ms`,
        ),
      );
    }
    return out;
  }

  /** The camera is no longer watched (removed, or the worker is shutting down). */
  stop(): CameraTransition[] {
    if (this.current === 'stopped') return [];
    return [this.move('stopped', null, 'stopped')];
  }

  private move(to: CameraState, event: CameraTransition['event'], reason: string): CameraTransition {
    const t: CameraTransition = {
      from: this.current,
      to,
      at: this.clock(),
      event,
      lastFrameAt: this.lastFrame,
      reason,
    };
    this.current = to;
    return t;
  }
}
