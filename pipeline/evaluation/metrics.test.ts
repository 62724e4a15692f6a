import { describe, expect, it } from 'vitest';
import { makeAlert, makeTimeline, makeTrack, makeTruth } from '../../test/factories/evaluation.factory.js';
import { evaluate } from './metrics.js';

const exact = { frameToleranceSec: 0 };
const subject = (e: ReturnType<typeof evaluate>, name = 'subject-a') => e.identities.find((i) => i.identity === name)!;

describe('evaluate', () => {
  // subject-a in view 2-15 s (frames 20-150), face fully in view 3-14.5 s (frames 30-145, 116 frames).
  const truth = makeTruth([{ identity: 'subject-a', start: 2, end: 15, faceStart: 3, faceEnd: 14.5 }]);

  it('scores a clean detection: one track, one alert', () => {
    const e = evaluate(
      truth,
      makeTimeline([makeTrack('t1', 'subject-a', 2.5, 15)], [makeAlert('subject-a', 4)]),
      exact,
    );
    const s = subject(e);
    expect(s).toMatchObject({
      appearances: 1,
      appearancesAlerted: 1,
      appearanceRecall: 1,
      alerts: 1,
      correctAlerts: 1,
      falseAlerts: 0,
      precision: 1,
    });
    expect(s.frameRecall).toBe(1);
    expect(s.framePrecision).toBe(1);
    expect(s.timeToFirstAlert).toEqual({ mean: 1, max: 1 });
    expect(s.falseAlertsPerHour).toBe(0);
  });

  it('counts frames a track misses and frames it claims while the person is gone', () => {
    const short = subject(evaluate(truth, makeTimeline([makeTrack('t1', 'subject-a', 6, 10)], []), exact));
    expect(short.frameRecall).toBeCloseTo(41 / 116, 10);
    const late = subject(evaluate(truth, makeTimeline([makeTrack('t1', 'subject-a', 12, 18)], []), exact));
    // Frames 120-180 claimed, 120-150 really show subject-a.
    expect(late.framePrecision).toBeCloseTo(31 / 61, 10);
    expect(late.appearanceRecall).toBe(0);
    expect(late.precision).toBeNull();
  });

  it('counts a frame once when overlapping tracks both cover it', () => {
    const tracks = [makeTrack('t1', 'subject-a', 2, 10), makeTrack('t2', 'subject-a', 8, 15)];
    const s = subject(evaluate(truth, makeTimeline(tracks, []), exact));
    expect(s.frameRecall).toBe(1);
    expect(s.framePrecision).toBe(1);
  });

  it('an alert before any appearance is false; the later one still counts', () => {
    const later = makeTruth([{ identity: 'subject-a', start: 10, end: 15, faceStart: 10.5, faceEnd: 14 }]);
    const s = subject(evaluate(later, makeTimeline([], [makeAlert('subject-a', 3), makeAlert('subject-a', 11)])));
    expect(s).toMatchObject({ alerts: 2, correctAlerts: 1, falseAlerts: 1, precision: 0.5, appearanceRecall: 1 });
    expect(s.timeToFirstAlert).toEqual({ mean: 0.5, max: 0.5 });
    expect(s.falseAlertsPerHour).toBe(180); // 1 false alert in 20 s of footage
  });

  it('handles footage where the enrolled person never appears', () => {
    const strangers = makeTruth([{ identity: null, actor: 'stranger-1', start: 1, end: 9 }]);
    const quiet = subject(evaluate(strangers, makeTimeline([makeTrack('t1', null, 1, 9)], [])));
    expect(quiet).toMatchObject({
      appearances: 0,
      appearanceRecall: null,
      alerts: 0,
      precision: null,
      frameRecall: null,
      framePrecision: null,
      timeToFirstAlert: null,
      falseAlerts: 0,
    });
    const wrong = evaluate(strangers, makeTimeline([makeTrack('t1', 'subject-a', 1, 9)], [makeAlert('subject-a', 5)]));
    expect(subject(wrong)).toMatchObject({ falseAlerts: 1, precision: 0, framePrecision: 0 });
    expect(wrong.totals).toEqual({ alerts: 1, falseAlerts: 1, falseAlertsPerHour: 180 });
  });

  it('separates duplicate alerts from false ones', () => {
    const s = subject(evaluate(truth, makeTimeline([], [makeAlert('subject-a', 4), makeAlert('subject-a', 6)])));
    expect(s).toMatchObject({ correctAlerts: 1, duplicateAlerts: 1, falseAlerts: 0, precision: 1 });
  });

  it('reports a missed appearance per appearance', () => {
    const twice = makeTruth([
      { identity: 'subject-a', start: 2, end: 5 },
      { identity: 'subject-a', start: 10, end: 14 },
    ]);
    const s = subject(evaluate(twice, makeTimeline([], [makeAlert('subject-a', 3)])));
    expect(s.appearanceRecall).toBe(0.5);
    expect(s.perAppearance).toEqual([
      { appearanceId: 'subject-a#1', visibleFrom: 2, firstAlertAt: 3, timeToFirstAlert: 1 },
      { appearanceId: 'subject-a#2', visibleFrom: 10, firstAlertAt: null, timeToFirstAlert: null },
    ]);
  });

  it('matches alerts within the tolerance after an appearance ends, not beyond', () => {
    const brief = makeTruth([{ identity: 'subject-a', start: 2, end: 5 }]);
    expect(subject(evaluate(brief, makeTimeline([], [makeAlert('subject-a', 5.3)]))).correctAlerts).toBe(1);
    expect(subject(evaluate(brief, makeTimeline([], [makeAlert('subject-a', 6)]))).falseAlerts).toBe(1);
    expect(
      subject(evaluate(brief, makeTimeline([], [makeAlert('subject-a', 6)]), { alertToleranceSec: 1.5 })).correctAlerts,
    ).toBe(1);
  });

  it('reports a negative time to first alert when the face was still partly out of view', () => {
    const s = subject(evaluate(truth, makeTimeline([], [makeAlert('subject-a', 2.5)])));
    expect(s.timeToFirstAlert).toEqual({ mean: -0.5, max: -0.5 });
  });

  it('gives an alert for a name the truth does not know its own row, all false', () => {
    const e = evaluate(truth, makeTimeline([], [makeAlert('someone-else', 3)]));
    expect(subject(e, 'someone-else')).toMatchObject({ enrolled: false, appearances: 0, falseAlerts: 1 });
    expect(subject(e)).toMatchObject({ enrolled: true, alerts: 0, appearanceRecall: 0 });
    expect(e.totals.falseAlerts).toBe(1);
  });
});
