import { describe, expect, it } from 'vitest';
import { SlotPacer } from './slot-pacer.js';

/** Looks a publisher makes per frame when frames finish every `every` ms and each look takes 1 ms. */
function looksPerFrame(pacer: SlotPacer, every: number, frames: number, start = 0): { looks: number; end: number } {
  let now = start;
  let looks = 0;
  for (let n = 1; n <= frames; n++) {
    const doneAt = start + n * every;
    for (;;) {
      looks++;
      now += 1;
      if (now >= doneAt) break;
      now += pacer.nextDelay(now);
    }
    pacer.freed(now);
  }
  return { looks: looks / frames, end: now };
}

describe('SlotPacer', () => {
  it('backs off from the minimum to the maximum while nothing is known of the pace', () => {
    const pacer = new SlotPacer({ minMs: 5, maxMs: 40 });
    expect([1, 2, 3, 4, 5].map(() => pacer.nextDelay(0))).toEqual([5, 10, 20, 40, 40]);
  });

  it('waits about one finishing interval after the last free once the pace is known', () => {
    const pacer = new SlotPacer({ minMs: 5, maxMs: 500 });
    pacer.freed(0);
    pacer.freed(300);
    // 0.9 x 300 ms after the last free, then steps of a tenth of the interval, doubling.
    expect(pacer.nextDelay(310)).toBeCloseTo(260);
    expect(pacer.nextDelay(571)).toBeCloseTo(30);
    expect(pacer.nextDelay(602)).toBeCloseTo(60);
  });

  it('bounds the first wait by the maximum and the minimum', () => {
    const pacer = new SlotPacer({ minMs: 5, maxMs: 100 });
    pacer.freed(0);
    pacer.freed(1000);
    expect(pacer.nextDelay(1000)).toBe(100);
    const late = new SlotPacer({ minMs: 5, maxMs: 100 });
    late.freed(0);
    late.freed(20);
    expect(late.nextDelay(400)).toBe(5);
    expect(late.nextDelay(406)).toBe(5);
  });

  it('needs a few looks per frame where a fixed 20 ms poll needed one per 20 ms', () => {
    // 8 replays on 2 cores: a frame of each every ~320 ms; one fast replay: every ~30 ms.
    expect(looksPerFrame(new SlotPacer(), 320, 50).looks).toBeLessThan(4);
    expect(looksPerFrame(new SlotPacer(), 30, 50).looks).toBeLessThan(4);
    // A pace that changes (a neighbour's load comes and goes) is followed.
    const pacer = new SlotPacer();
    const { end } = looksPerFrame(pacer, 100, 30);
    expect(looksPerFrame(pacer, 400, 30, end).looks).toBeLessThan(5);
  });
});
