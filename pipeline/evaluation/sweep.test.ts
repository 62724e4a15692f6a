import { describe, expect, it } from 'vitest';
import { makeTimeline, makeTrack, makeTruth } from '../../test/factories/evaluation.factory.js';
import { alertsAtThreshold, defaultThresholds, formatSweepTable, sweepThresholds } from './sweep.js';

// subject-a in view 2-6 s; a stranger 10-14 s whose nearest gallery face is also subject-a.
const truth = makeTruth([
  { identity: 'subject-a', start: 2, end: 6 },
  { identity: null, actor: 'stranger-1', start: 10, end: 14 },
]);
const enrolledTrack = makeTrack('a', 'subject-a', 2.2, 5.8, [
  [3.0, 'subject-a', 0.62],
  [3.2, 'subject-a', 0.55],
  [3.4, 'subject-a', 0.58],
  [3.5, null, null],
  [3.6, 'subject-a', 0.5],
  [3.8, 'subject-a', 0.52],
]);
const strangerTrack = makeTrack('b', null, 10.2, 13.8, [
  [11.0, 'subject-a', 0.7],
  [11.2, 'subject-a', 0.61],
  [11.4, 'subject-a', 0.59],
  [11.6, 'subject-a', 0.66],
]);
const timeline = makeTimeline([enrolledTrack, strangerTrack], []);
const k2of3 = { k: 2, n: 3 };

describe('alertsAtThreshold', () => {
  it('fires once per track when k of the last n identified frames agree', () => {
    expect(alertsAtThreshold(timeline, 0.5, k2of3)).toEqual([]);
    // A frame votes when its distance is under the threshold, as in the identify worker (0.52 is not under 0.52).
    expect(alertsAtThreshold(timeline, 0.52, k2of3)).toEqual([]);
    expect(alertsAtThreshold(timeline, 0.53, k2of3)).toEqual([
      { identity: { name: 'subject-a' }, t: 3.8, distance: 0.51, trackId: 'a' },
    ]);
    // 0.55 (3.2 s) and 0.50 (3.6 s) are in one window of 3 identified frames; the frame without a face does not count.
    expect(alertsAtThreshold(timeline, 0.56, k2of3)).toEqual([
      { identity: { name: 'subject-a' }, t: 3.6, distance: 0.525, trackId: 'a' },
    ]);
    expect(alertsAtThreshold(timeline, 0.6, k2of3).map((a) => [a.trackId, a.t])).toEqual([['a', 3.4]]);
    expect(alertsAtThreshold(timeline, 0.63, k2of3).map((a) => [a.trackId, a.t])).toEqual([
      ['a', 3.2],
      ['b', 11.4],
    ]);
  });

  it('needs the agreeing frames inside one window of n', () => {
    // With n = 2, 0.55 (3.2 s) and 0.50 (3.6 s) are too far apart; 0.50 and 0.52 (3.8 s) are neighbours.
    expect(alertsAtThreshold(timeline, 0.56, { k: 2, n: 2 }).map((a) => a.t)).toEqual([3.8]);
    expect(alertsAtThreshold(timeline, 0.51, { k: 2, n: 2 })).toEqual([]);
    expect(alertsAtThreshold(timeline, 0.56, { k: 1, n: 1 }).map((a) => a.t)).toEqual([3.2]);
  });
});

describe('alertsAtThreshold applies the whole vote rule', () => {
  const t = (scores: ReturnType<typeof makeTrack>['scores']) => makeTimeline([{ ...enrolledTrack, scores }], []);
  const good = (at: number, distance: number, extra = {}) => ({
    t: at,
    name: 'subject-a',
    distance,
    widthPx: 80,
    ...extra,
  });

  it('ignores faces too poor to vote, and holds low-light faces to the scaled threshold', () => {
    // 0.42: under 0.45, over 0.45 x 0.9.
    const rule = { k: 2, n: 5, lowLightScale: 0.9 };
    expect(alertsAtThreshold(t([good(3, 0.42), good(3.2, 0.42)]), 0.45, rule)).toHaveLength(1);
    expect(alertsAtThreshold(t([good(3, 0.42, { problems: ['too_blurred'] }), good(3.2, 0.42)]), 0.45, rule)).toEqual(
      [],
    );
    expect(
      alertsAtThreshold(t([good(3, 0.42, { lowLight: true }), good(3.2, 0.42, { lowLight: true })]), 0.45, rule),
    ).toEqual([]);
  });

  it('needs the margin over the next identity, and more frames for than against', () => {
    const rule = { k: 2, n: 5, minMargin: 0.02, majority: true };
    const close = [good(3, 0.4, { secondDistance: 0.41 }), good(3.2, 0.4, { secondDistance: 0.41 })];
    expect(alertsAtThreshold(t(close), 0.45, rule)).toEqual([]);
    const outvoted = [good(3, 0.4), { t: 3.1, name: 'other', distance: 0.3, widthPx: 80 }, good(3.2, 0.4)];
    outvoted.splice(1, 0, { t: 3.05, name: 'other', distance: 0.3, widthPx: 80 });
    expect(alertsAtThreshold(t(outvoted), 0.45, rule).map((a) => a.identity.name)).toEqual(['other']);
  });
});

describe('sweepThresholds', () => {
  const rows = sweepThresholds(truth, timeline, [0.5, 0.53, 0.6, 0.63], k2of3);

  it('trades recall against false alerts', () => {
    expect(
      rows.map((r) => [r.threshold, r.alerts, r.correctAlerts, r.falseAlerts, r.appearanceRecall, r.precision]),
    ).toEqual([
      [0.5, 0, 0, 0, 0, null],
      [0.53, 1, 1, 0, 1, 1],
      [0.6, 1, 1, 0, 1, 1],
      [0.63, 2, 1, 1, 1, 0.5],
    ]);
    expect(rows[3]!.falseAlertsPerHour).toBe(180);
    // First frame of subject-a at 2 s (face in view the whole time): alerts at 3.8 s and 3.4 s.
    expect(rows.map((r) => r.meanTimeToFirstAlert)).toEqual([null, 1.8, 1.4, 1.2]);
  });

  it('prints one line per threshold and marks the one in use', () => {
    const table = formatSweepTable(rows, 0.6);
    const lines = table.split('\n');
    expect(lines).toHaveLength(2 + rows.length);
    expect(lines[0]).toMatch(/^threshold\s+alerts\s+correct\s+false\s+false\/h\s+recall\s+precision\s+mean TTFA$/);
    expect(lines[4]).toMatch(/^0\.60 \*\s+1\s+1\s+0\s+0\.0\s+100%\s+100%\s+1\.40 s$/);
    expect(lines[5]).toMatch(/^0\.63\s+2\s+1\s+1\s+180\.0\s+100%\s+50%\s+1\.20 s$/);
  });
});

describe('defaultThresholds', () => {
  it('runs from 0.30 to 0.70 in steps of 0.02 without float noise', () => {
    expect(defaultThresholds[0]).toBe(0.3);
    expect(defaultThresholds.at(-1)).toBe(0.7);
    expect(defaultThresholds).toContain(0.56);
    expect(defaultThresholds).toHaveLength(21);
  });
});
