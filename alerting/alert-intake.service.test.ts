import { describe, expect, it } from 'vitest';
import type { AuditContext } from '../audit/audit-context.js';
import { alertDto } from './alert.dto.js';
import { inMemoryAlerting, matchAt } from '../test/factories/in-memory-alerting.js';

const S = 1000;
const operator: AuditContext = {
  actor: { kind: 'key', keyId: 'key-1', name: 'Control room', role: 'operator' },
  address: '10.0.0.7',
};

/** A case in district north with one camera; officers as given. */
function setup(
  officers: { id: string; district: string; supervisor?: boolean; webhook?: boolean }[] = [],
  alerts: Parameters<typeof inMemoryAlerting>[0] = { review: 'off' },
) {
  const a = inMemoryAlerting({ cooldownSeconds: 60, ...alerts });
  a.people.addCase('case-1', 'north');
  a.people.addCamera('cam-1', 'case-1');
  for (const o of officers) a.people.addOfficer(o.id, o.district, o);
  return a;
}

describe('alert intake: face matches', () => {
  it('opens an alert with one delivery per on-duty officer of the district who has a webhook, and schedules escalation', async () => {
    const a = setup([
      { id: 'off-n1', district: 'north' },
      { id: 'off-n2', district: 'north', webhook: false },
      { id: 'off-s1', district: 'south' },
    ]);
    const now = Date.now();
    const r = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', now - 2 * S, now));
    expect(r.outcome).toBe('created');
    const alertId = (r as { alertId: string }).alertId;
    expect(a.alerts.deliveryRows.map((d) => d.officerId)).toEqual(['off-n1']);
    expect(a.outbox.deliveries).toEqual(a.alerts.deliveryRows.map((d) => d.id));
    expect(a.outbox.escalations).toEqual([{ alertId, level: 1, delayMs: 120 * S }]);
    expect(a.alerts.journal.map((j) => j.type)).toEqual(['alert.created']);
    expect(a.journalled).toEqual([1]);
  });

  it("keeps the match's evidence on the alert: its strength and the frames behind it, for the card and webhooks", async () => {
    const a = setup();
    const now = Date.now();
    const evidence = { strength: 'weak' as const, framesAgreed: 2, framesDisagreed: 1, framesIgnored: 3, margin: 0.03 };
    const r = await a.intake.handleMatch({ ...matchAt('cam-1', 'prp-1', now - 2 * S, now), evidence });
    expect(alertDto(a.alerts.alerts.get((r as { alertId: string }).alertId)!).evidence).toEqual(evidence);
  });

  it('merges a second sighting within the cooldown as a new entry, and pushes alert.updated to who had it', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    const now = Date.now();
    const ev1 = matchAt('cam-1', 'prp-1', now - 10 * S, now - 8 * S);
    const first = await a.intake.handleMatch(ev1);
    const ev2 = matchAt('cam-1', 'prp-1', now - 3 * S, now, { distance: 0.3 });
    const second = await a.intake.handleMatch(ev2);
    expect(second).toEqual({ outcome: 'updated', alertId: (first as { alertId: string }).alertId });
    const alert = [...a.alerts.alerts.values()][0]!;
    expect(alert.eventCount).toBe(2);
    expect(alert.distance).toBe(0.3);
    expect(alert.lastSeen).toBe(now);
    expect(JSON.parse(alert.details).sightings.map((x: { eventId: string }) => x.eventId)).toEqual([
      ev1.eventId,
      ev2.eventId,
    ]);
    expect(a.alerts.deliveryRows.map((d) => [d.officerId, d.event])).toEqual([
      ['off-n1', 'alert.created'],
      ['off-n1', 'alert.updated'],
    ]);
  });

  it('drops and counts a match for a perpetrator who is on no case linked to the camera', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    a.people.addCamera('cam-loose', null);
    const now = Date.now();
    const stranger = await a.intake.handleMatch(matchAt('cam-1', 'prp-other', now - 2 * S, now));
    const noCase = await a.intake.handleMatch(matchAt('cam-loose', 'prp-1', now - 2 * S, now));
    expect([stranger.outcome, noCase.outcome]).toEqual(['dropped', 'dropped']);
    expect(a.alerts.alerts.size).toBe(0);
    expect(a.alerts.deliveryRows).toEqual([]);
    // Watched on every camera: the watchlist sends them everywhere, so the match stands.
    a.people.everywhere.add('prp-other');
    expect((await a.intake.handleMatch(matchAt('cam-1', 'prp-other', now - 2 * S, now))).outcome).toBe('created');
  });

  it('answers a redelivered event as a duplicate and changes nothing', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }], { review: 'required' });
    const now = Date.now();
    const ev = matchAt('cam-1', 'prp-1', now - 2 * S, now);
    const first = await a.intake.handleMatch(ev);
    const again = await a.intake.handleMatch(ev);
    expect(again).toEqual({ outcome: 'duplicate', alertId: (first as { alertId: string }).alertId });
    expect(a.alerts.alerts.size).toBe(1);
    expect(a.alerts.alerts.get((first as { alertId: string }).alertId)!.eventCount).toBe(1);
    expect(a.alerts.deliveryRows).toHaveLength(0);
  });

  it('raises nothing for a case outside its protection window, but a replay still records its alert', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    a.people.cases.get('case-1')!.windowEnd = Date.now() - S;
    const now = Date.now();
    const live = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', now - 2 * S, now));
    expect(live).toEqual({ outcome: 'suppressed', reason: 'case case-1 is not active (expired)' });
    const replay = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', now - 2 * S, now, { replayId: 'rpl-1' }));
    expect(replay.outcome).toBe('created');
    expect(a.alerts.deliveryRows).toEqual([]);
    expect(a.outbox.escalations).toEqual([]);
  });
});

describe('alert intake: cameras and SOS', () => {
  it('opens one tampering alert per outage and notes the camera coming back on it', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    const ts = Date.now();
    const camera = (type: 'camera.offline' | 'camera.online', eventId: string, at: number, lastFrameAt: number) =>
      a.intake.handleCamera({ type, eventId, cameraId: 'cam-1', ts: at, lastFrameAt });
    const off = await camera('camera.offline', 'off-1', ts, ts - 20 * S);
    const again = await camera('camera.offline', 'off-2', ts + S, ts - 20 * S);
    const on = await camera('camera.online', 'on-1', ts + 2 * S, ts + 2 * S);
    const id = (off as { alertId: string }).alertId;
    expect([off.outcome, again.outcome, on.outcome]).toEqual(['created', 'updated', 'updated']);
    expect(JSON.parse(a.alerts.alerts.get(id)!.details).onlineAt).toBe(ts + 2 * S);
    expect(a.alerts.actions.map((x) => x.action)).toEqual(['created', 'camera.online']);
    // Blind again after it came back: a new outage, a new alert, though nobody resolved the first.
    const later = await camera('camera.offline', 'off-3', ts + 60 * S, ts + 40 * S);
    expect(later.outcome).toBe('created');
    expect((later as { alertId: string }).alertId).not.toBe(id);
    expect(a.alerts.deliveryRows.filter((d) => d.alertId === (later as { alertId: string }).alertId)).not.toEqual([]);
    const stray = await a.intake.handleCamera({
      type: 'camera.online',
      eventId: 'on-2',
      cameraId: 'cam-9',
      ts,
      lastFrameAt: ts,
    });
    expect(stray.outcome).toBe('ignored');
  });

  it('always raises an SOS, records who pressed it from where, and refuses a token of another case', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    a.people.cases.get('case-1')!.status = 'closed';
    const r = await a.intake.sos(operator, 'case-1', { eventId: 'press-1', message: 'he is at the door' });
    expect(r.outcome).toBe('created');
    expect(r.alert.kind).toBe('sos');
    expect(a.alerts.deliveryRows.map((d) => d.officerId)).toEqual(['off-n1']);
    expect(a.audit).toEqual([
      expect.objectContaining({ action: 'alert.sos', actorName: 'Control room (operator)', ip: '10.0.0.7' }),
    ]);
    const other = { actor: { kind: 'sos' as const, caseId: 'case-2', name: 'victim device' }, address: null };
    await expect(a.intake.sos(other, 'case-1', {})).rejects.toMatchObject({ status: 403 });
  });
});

describe('alert intake: appearances never merge', () => {
  it('gives a late event from an earlier appearance its own alert and push, and never moves first-seen back', async () => {
    const a = inMemoryAlerting({ cooldownSeconds: 5, review: 'off' });
    a.people.addCase('case-1', 'north');
    a.people.addCamera('cam-1', 'case-1');
    a.people.addOfficer('off-n1', 'north');
    const t = Date.now();
    // The next appearance is processed first; the earlier one arrives late (held by a crash).
    const next = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', t, t + 3 * S));
    const late = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', t - 25 * S, t - 22 * S));
    expect(late.outcome).toBe('created');
    expect((late as { alertId: string }).alertId).not.toBe((next as { alertId: string }).alertId);
    const nextRow = a.alerts.alerts.get((next as { alertId: string }).alertId)!;
    expect([nextRow.firstSeen, nextRow.eventCount]).toEqual([t, 1]);
    expect(a.alerts.deliveryRows.map((d) => d.alertId)).toEqual([
      (next as { alertId: string }).alertId,
      (late as { alertId: string }).alertId,
    ]);
  });

  it('joins an event whose window overlaps the sighting within the cooldown, keeping first-seen', async () => {
    const a = inMemoryAlerting({ cooldownSeconds: 5 });
    a.people.addCase('case-1', 'north');
    a.people.addCamera('cam-1', 'case-1');
    const t = Date.now();
    const first = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', t, t + 3 * S));
    const earlierTrack = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', t - 4 * S, t - 2 * S));
    const afterGap = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', t + 7 * S, t + 9 * S));
    const beyond = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', t + 20 * S, t + 21 * S));
    const id = (first as { alertId: string }).alertId;
    expect(earlierTrack).toEqual({ outcome: 'updated', alertId: id });
    expect(afterGap).toEqual({ outcome: 'updated', alertId: id });
    expect(beyond.outcome).toBe('created');
    expect(a.alerts.alerts.get(id)).toMatchObject({ firstSeen: t, lastSeen: t + 9 * S, eventCount: 3 });
  });
});

describe('alert intake: follow-ups are pushed', () => {
  it('adds a repeated SOS press as an entry, keeps the first, and pushes alert.updated to everyone who had it', async () => {
    const a = setup([
      { id: 'off-n1', district: 'north' },
      { id: 'off-n2', district: 'north' },
    ]);
    const first = await a.intake.sos(operator, 'case-1', { eventId: 'p1', message: 'he is outside' });
    a.people.addOfficer('off-n3', 'north');
    const second = await a.intake.sos(operator, 'case-1', { eventId: 'p2', message: 'he has a knife' });
    expect(second.outcome).toBe('updated');
    expect(second.alert.id).toBe(first.alert.id);
    expect(second.alert.details).toMatchObject({
      message: 'he is outside',
      presses: [expect.objectContaining({ message: 'he has a knife', by: 'Control room (operator)' })],
    });
    const updates = a.alerts.deliveryRows.filter((d) => d.event === 'alert.updated');
    expect(updates.map((d) => d.officerId).sort()).toEqual(['off-n1', 'off-n2']);
    expect(a.outbox.deliveries).toEqual(expect.arrayContaining(updates.map((d) => d.id)));
  });
});
