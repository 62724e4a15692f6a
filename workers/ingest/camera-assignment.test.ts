import { describe, expect, it } from 'vitest';
import { assignCameras } from './camera-assignment.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `cam-${i}`);
const sizes = (a: Map<string, Set<string>>) => [...a.values()].map((s) => s.size).sort();
const holdersOf = (a: Map<string, Set<string>>) =>
  new Map([...a].flatMap(([w, cams]) => [...cams].map((c) => [c, w] as [string, string])));

describe('assignCameras', () => {
  it('gives every camera to exactly one worker, evenly, the same way whoever computes it', () => {
    const wants = new Map([
      ['w1', ids(7)],
      ['w2', ids(7)],
      ['w3', ids(7)],
    ]);
    const a = assignCameras(wants, new Map());
    expect([...a.values()].flatMap((s) => [...s]).sort()).toEqual(ids(7).sort());
    expect(sizes(a)).toEqual([2, 2, 3]);
    expect(assignCameras(new Map([...wants].reverse()), new Map())).toEqual(a);
  });

  it('moves only the cameras it must when a worker joins or leaves', () => {
    const two = assignCameras(
      new Map([
        ['w1', ids(8)],
        ['w2', ids(8)],
      ]),
      new Map(),
    );
    const three = assignCameras(
      new Map([
        ['w1', ids(8)],
        ['w2', ids(8)],
        ['w3', ids(8)],
      ]),
      holdersOf(two),
    );
    expect(sizes(three)).toEqual([2, 3, 3]);
    const moved = ids(8).filter((c) => holdersOf(three).get(c) !== holdersOf(two).get(c));
    expect(moved).toHaveLength(three.get('w3')!.size);
    // w3 leaves: its cameras go, the others stay where they are.
    const back = assignCameras(
      new Map([
        ['w1', ids(8)],
        ['w2', ids(8)],
      ]),
      holdersOf(three),
    );
    for (const c of ids(8))
      if (holdersOf(three).get(c) !== 'w3') expect(holdersOf(back).get(c)).toBe(holdersOf(three).get(c));
    expect(sizes(back)).toEqual([4, 4]);
  });

  it('assigns a camera only to a worker that can read it, and balances around such cameras', () => {
    const a = assignCameras(
      new Map([
        ['w1', ['x', 'y', 'shared-1', 'shared-2']],
        ['w2', ['shared-1', 'shared-2']],
        ['w3', []],
      ]),
      new Map(),
    );
    expect([...a.get('w1')!].sort()).toEqual(['x', 'y']);
    expect([...a.get('w2')!].sort()).toEqual(['shared-1', 'shared-2']);
    expect(a.get('w3')!.size).toBe(0);
  });

  it('ignores a holder that is not live or cannot read the camera', () => {
    const a = assignCameras(new Map([['w1', ['c']]]), new Map([['c', 'dead-worker']]));
    expect([...a.get('w1')!]).toEqual(['c']);
  });
});
