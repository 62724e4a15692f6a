import { describe, expect, it } from 'vitest';
import type { AuditContext } from '../audit/audit-context.js';
import { inMemoryAlerting, matchAt } from '../test/factories/in-memory-alerting.js';

const S = 1000;
const operator: AuditContext = {
  actor: { kind: 'key', keyId: 'key-1', name: 'Control room', role: 'operator' },
  address: '10.0.0.7',
};

function setup() {
  const a = inMemoryAlerting({ cooldownSeconds: 60 });
  a.people.addCase('case-1', 'north');
  a.people.addCamera('front', 'case-1');
  a.people.addCamera('garden', 'case-1');
  a.people.addCamera('elsewhere', 'case-2');
  a.people.addOfficer('off-1', 'north');
  return a;
}

describe('event clips of alerts', () => {
  it("asks for a match's clip from preSeconds before the track to postSeconds after, and none for replays", async () => {
    const a = setup();
    const t = Date.now();
    const ev = matchAt('front', 'p-1', t - 4 * S, t);
    await a.clips.forMatch('alr-1', ev);
    await a.clips.forMatch('alr-2', matchAt('front', 'p-1', t, t, { replayId: 'rep-1' }));
    expect(a.outbox.clips).toEqual([
      expect.objectContaining({ alertId: 'alr-1', cameraId: 'front', fromMs: t - 14 * S, toMs: t + 20 * S }),
    ]);
  });

  it("cuts every camera of the SOS's case around the press, with nobody kept clear", async () => {
    const a = setup();
    const r = await a.intake.sos(operator, 'case-1', { eventId: 'press-1' });
    await a.clips.forSos(r.alert.id, 'case-1', r.alert.firstSeen);
    const at = r.alert.firstSeen;
    expect(a.outbox.clips.map((c) => c.cameraId).sort()).toEqual(['front', 'garden']);
    for (const c of a.outbox.clips)
      expect(c).toMatchObject({ alertId: r.alert.id, personBox: null, fromMs: at - 10 * S, toMs: at + 20 * S });
  });

  it('never fails an SOS when the clip cannot be asked for (Redis down)', async () => {
    const a = setup();
    a.outbox.requestClip = async () => {
      throw new Error('Connection is closed.');
    };
    await expect(a.clips.forSos('alr-x', 'case-1', Date.now())).resolves.toBeUndefined();
  });

  it("asks a tampered camera's alert for the seconds before its last frame", async () => {
    const a = setup();
    const lastFrameAt = Date.now() - 16 * S;
    const ev = { type: 'camera.offline' as const, eventId: 'off-1', cameraId: 'front', ts: Date.now(), lastFrameAt };
    await a.clips.forCameraOffline('alr-off', ev);
    await a.clips.forCameraOffline('alr-off', { ...ev, type: 'camera.online' });
    expect(a.outbox.clips).toEqual([
      expect.objectContaining({ cameraId: 'front', fromMs: lastFrameAt - 10 * S, toMs: lastFrameAt }),
    ]);
  });

  it('keeps each camera’s clip on the alert with the evidence rows that hold it', async () => {
    const a = setup();
    const r = await a.intake.sos(operator, 'case-1', { eventId: 'press-2' });
    for (const cameraId of ['front', 'garden'])
      await a.clips.attach({ alertId: r.alert.id, cameraId, startMs: 1, endMs: 2, files: [], note: 'none buffered' });
    const clips = JSON.parse(a.alerts.alerts.get(r.alert.id)!.details).clips;
    expect(Object.keys(clips).sort()).toEqual(['front', 'garden']);
    expect(clips.front).toEqual({ startMs: 1, endMs: 2, note: 'none buffered', evidenceIds: [] });
    const again = await a.clips.attach({ alertId: r.alert.id, cameraId: 'front', startMs: 1, endMs: 2, files: [] });
    expect(again.outcome).toBe('duplicate');
  });
});
