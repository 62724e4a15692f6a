/**
 * When a lossless publisher, its frames all in flight, should next look whether the
 * oldest one has finished. Each look is a Redis round trip; polling every 20 ms cost
 * 16 of them per frame with 8 replays sharing the machine (a frame every ~320 ms each),
 * and those round trips were most of the replay feeders' CPU. A camera's frames finish
 * in order at a steady pace, so the first look waits about one finishing interval
 * after the last slot freed; misses then back off, within `minMs` and `maxMs`.
 */
export class SlotPacer {
  /** Mean ms between freed slots (exponential moving average); null until two were seen. */
  private interval: number | null = null;
  private lastFreedAt: number | null = null;
  private misses = 0;

  constructor(private readonly opts: { minMs: number; maxMs: number } = { minMs: 5, maxMs: 400 }) {}

  /** The oldest frame has finished: its slot is free. */
  freed(now: number): void {
    if (this.lastFreedAt !== null) {
      const gap = now - this.lastFreedAt;
      this.interval = this.interval === null ? gap : this.interval + 0.2 * (gap - this.interval);
    }
    this.lastFreedAt = now;
    this.misses = 0;
  }

  /** ms to wait before the next look, after a look that found the oldest frame unfinished. */
  nextDelay(now: number): number {
    const { minMs, maxMs } = this.opts;
    const clamp = (ms: number) => Math.min(Math.max(ms, minMs), maxMs);
    const miss = this.misses++;
    if (this.interval === null || this.lastFreedAt === null) return clamp(minMs * 2 ** miss);
    // A little early (`interval` includes the lag of the look that noticed each free),
    // then steps of a tenth of the interval, doubling.
    if (miss === 0) return clamp(this.lastFreedAt + 0.9 * this.interval - now);
    return clamp((this.interval / 10) * 2 ** (miss - 1));
  }
}
