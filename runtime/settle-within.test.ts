import { describe, expect, it } from 'vitest';
import { resultWithin, settleWithin } from './settle-within.js';

const never = new Promise<string>(() => {});

describe('resultWithin / settleWithin', () => {
  it('gives the value of a promise that settles in time', async () => {
    expect(await resultWithin(Promise.resolve('v'), 1000, null)).toBe('v');
    expect(await settleWithin(Promise.reject(new Error('x')), 1000)).toBe(true);
  });

  it('gives the fallback for a failed or a late promise', async () => {
    expect(await resultWithin(Promise.reject(new Error('x')), 1000, null)).toBeNull();
    expect(await resultWithin(never, 5, 'late')).toBe('late');
    expect(await settleWithin(never, 5)).toBe(false);
  });
});
