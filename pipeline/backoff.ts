/** Reconnect delays: exponential growth from `initialMs` up to `maxMs`, with jitter. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /**
   * Share of each delay that is random (default 0.5: "equal jitter", the delay lies in
   * [base/2, base]), so many cameras cut by one network failure do not reconnect in step.
   */
  jitter?: number;
}

/** Delay before reconnect attempt `attempt` (0-based); `random` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const factor = opts.factor ?? 2;
  const jitter = opts.jitter ?? 0.5;
  const base = Math.min(opts.maxMs, opts.initialMs * factor ** Math.max(0, attempt));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}

/** Attempt counter around backoffDelay: `next()` after each failure, `reset()` once the camera delivers again. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    return backoffDelay(this.attempt++, this.opts, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
