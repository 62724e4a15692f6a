import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const opts = { initialMs: 100, maxMs: 1000 };
  it('doubles from the initial delay up to the cap', () => {
    const top = (a: number) => backoffDelay(a, opts, () => 1);
    expect([0, 1, 2, 3, 4, 5].map(top)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('keeps the jittered delay within [base/2, base]', () => {
    expect(backoffDelay(2, opts, () => 0)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, opts);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
  it('honours factor and jitter options', () => {
    expect(backoffDelay(2, { ...opts, factor: 3, jitter: 0 }, () => 0.7)).toBe(900);
  });
});

describe('Backoff', () => {
  it('grows per failure and starts over after reset', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 10_000, jitter: 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([10, 20, 40]);
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.next()).toBe(10);
  });
});
