import { describe, expect, it } from 'vitest';
import { appearancesBetween, scorePhases, visibleMs, type Phase } from './fault-score.js';

const window = { personFrom: 2000, personTo: 15_000, faceFrom: 3000, faceTo: 14_000, loopMs: 20_000 };
const publishedAt = { cam: 0 };
const phase = (over: Partial<Phase> = {}): Phase => ({
  name: 'f',
  start: 0,
  end: 40_000,
  blind: {},
  targetMs: 5000,
  expectOffline: [],
  ...over,
});
const match = (id: string, firstSeen: number) => ({ id, kind: 'match', cameraId: 'cam', firstSeen, createdAt: 0 });
const hook = (alertId: string, at: number, deliveryId = `d-${alertId}`) => ({
  at,
  event: 'alert.created',
  deliveryId,
  alertId,
});

describe('fault scoring', () => {
  it('counts the face time the pipeline could see', () => {
    expect(visibleMs({ from: 0, to: 10_000 }, [])).toBe(10_000);
    expect(
      visibleMs({ from: 0, to: 10_000 }, [
        { from: 2000, to: 4000 },
        { from: 3000, to: 5000 },
      ]),
    ).toBe(7000);
    expect(visibleMs({ from: 0, to: 10_000 }, [{ from: -5000, to: 20_000 }])).toBe(0);
  });

  it('lists the appearances whose face shows within a phase, per loop', () => {
    expect(appearancesBetween(window, publishedAt, 0, 40_000).map((a) => a.loop)).toEqual([0, 1]);
    expect(appearancesBetween(window, publishedAt, 5000, 40_000).map((a) => a.loop)).toEqual([1]);
  });

  it('an appearance with one delivered alert is neither lost nor duplicated; its delay is measured from the face', () => {
    const [r] = scorePhases({
      window,
      publishedAt,
      phases: [phase()],
      alerts: [match('a1', 2500), match('a2', 22_500)],
      // a2 redelivered under the same delivery id: one delivery.
      webhooks: [hook('a1', 4500), hook('a2', 30_000), hook('a2', 31_000)],
      baselineMs: 1500,
    });
    expect(r).toMatchObject({ appearances: 2, expected: 2, alerts: 2, webhooks: 2, lost: 0, duplicated: 0 });
    expect(r!.worstDelayMs).toBe(7000);
    expect(r!.worstExtraDelayMs).toBe(5500);
  });

  it('a second alert or a second delivery id for one appearance is a duplicate; no alert is lost', () => {
    const [r] = scorePhases({
      window,
      publishedAt,
      phases: [phase()],
      alerts: [match('a1', 2500), match('a1b', 9000)],
      webhooks: [hook('a1', 4500), hook('a1', 4600, 'other'), hook('a1b', 10_000)],
      baselineMs: 1500,
    });
    expect(r).toMatchObject({ appearances: 2, expected: 2, lost: 1, duplicated: 1 });
  });

  it('an appearance the cameras were blind for is not expected; a missing camera.offline is named', () => {
    const [r] = scorePhases({
      window,
      publishedAt,
      phases: [phase({ blind: { cam: [{ from: 0, to: 13_000 }] }, expectOffline: ['cam'] })],
      alerts: [match('a2', 22_500), { id: 'o', kind: 'camera_offline', cameraId: 'other', firstSeen: 0, createdAt: 1 }],
      webhooks: [hook('a2', 25_000)],
      baselineMs: 1500,
    });
    expect(r).toMatchObject({
      appearances: 2,
      expected: 1,
      lost: 0,
      offlineRaised: ['other'],
      offlineMissing: ['cam'],
    });
  });
});
