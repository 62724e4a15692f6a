import { describe, expect, it } from 'vitest';
import { decodeCenternet } from './centernet.js';

describe('decodeCenternet', () => {
  it('keeps persons above the score, drops other classes and suppresses duplicates', () => {
    const rows = [
      [10, 20, 110, 220, 0.9, 0], // person
      [12, 22, 112, 222, 0.7, 0], // same person, lower score
      [300, 20, 400, 220, 0.6, 0], // another person
      [10, 20, 110, 220, 0.95, 16], // a dog
      [0, 0, 5, 5, 0.1, 0], // too weak
    ];
    const out = decodeCenternet(Float32Array.from(rows.flat()), 0.3);
    expect(out).toEqual([
      { box: [10, 20, 110, 220], score: expect.closeTo(0.9, 6) },
      { box: [300, 20, 400, 220], score: expect.closeTo(0.6, 6) },
    ]);
  });
});
