import { describe, expect, it } from 'vitest';
import type { AuditContext } from '../audit/audit-context.js';
import { inMemoryAlerting, matchAt } from '../test/factories/in-memory-alerting.js';

const S = 1000;
const operator: AuditContext = {
  actor: { kind: 'key', keyId: 'key-op', name: 'Desk', role: 'operator' },
  address: '10.0.0.7',
};
const desk = { id: 'desk', name: 'Control room', url: 'http://127.0.0.1:9/desk', secret: 'whsec_control_room_1' };

/** A case in district north with one camera; a control-room receiver; officers as given. */
function setup(
  officers: { id: string; district: string; supervisor?: boolean; webhook?: boolean }[],
  controlRoom = [desk],
) {
  const a = inMemoryAlerting({ review: 'required', reviewSeconds: 60, controlRoom });
  a.people.addCase('case-1', 'north');
  a.people.addCamera('cam-1', 'case-1');
  for (const o of officers) a.people.addOfficer(o.id, o.district, o);
  return a;
}

async function pendingMatch(a: ReturnType<typeof setup>) {
  const now = Date.now();
  const r = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', now - 2 * S, now));
  expect(r.outcome).toBe('created');
  return (r as { alertId: string }).alertId;
}

const sent = (a: ReturnType<typeof setup>) => a.alerts.deliveryRows.map((d) => `${d.officerId} ${d.event}`);

describe('review before dispatch', () => {
  it('holds a match for the control room only, then dispatches the officers on confirm', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    const id = await pendingMatch(a);
    const row = a.alerts.alerts.get(id)!;
    expect(row.state).toBe('pending_review');
    expect(row.reviewDueAt! - row.createdAt).toBe(60 * S);
    expect(sent(a)).toEqual(['control:desk alert.created']);
    expect(a.outbox.reviews).toEqual([{ alertId: id, delayMs: expect.any(Number) }]);
    expect(a.outbox.escalations).toEqual([]);

    const confirmed = await a.review.confirm(operator, id, 'it is him');
    expect(confirmed).toMatchObject({ state: 'new', flags: [] });
    expect(confirmed.confirmedAt).toBe(confirmed.dispatchedAt);
    expect(confirmed.confirmedAt! >= confirmed.seenAt).toBe(true);
    expect(sent(a)).toEqual(['control:desk alert.created', 'control:desk alert.confirmed', 'off-n1 alert.confirmed']);
    expect(a.outbox.escalations).toEqual([{ alertId: id, level: 1, delayMs: 120 * S }]);
    expect(a.alerts.actions.at(-1)).toMatchObject({ action: 'confirm', actorName: 'Desk (operator)' });
    await expect(a.review.confirm(operator, id)).rejects.toMatchObject({ status: 409 });
    // Nothing left to miss: the deadline job finds it decided.
    expect(await a.review.reviewDue(id)).toEqual({ dispatched: false });
  });

  it('rejects a match as a false positive without disturbing any officer', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    const id = await pendingMatch(a);
    const rejected = await a.review.reject(operator, id, 'his brother');
    expect(rejected.state).toBe('false_positive');
    expect(rejected.rejectedAt).not.toBeNull();
    expect(rejected.dispatchedAt).toBeNull();
    expect(sent(a)).toEqual(['control:desk alert.created', 'control:desk alert.false_positive']);
    expect(a.audit.map((x) => x.action)).toContain('alert.reject');
    expect(await a.review.reviewDue(id)).toEqual({ dispatched: false });
  });

  it('sends an undecided match to the officers flagged unconfirmed at the deadline, and tells the supervisors', async () => {
    const a = setup([
      { id: 'off-n1', district: 'north' },
      { id: 'sup-n1', district: 'north', supervisor: true },
    ]);
    const id = await pendingMatch(a);
    expect(await a.review.reviewDue(id)).toEqual({ dispatched: true });
    expect(await a.review.reviewDue(id)).toEqual({ dispatched: false });
    const row = a.alerts.alerts.get(id)!;
    expect(row.state).toBe('new');
    expect(JSON.parse(row.flags)).toEqual(['unconfirmed']);
    expect(row.reviewMissedAt).toBe(row.dispatchedAt);
    expect(row.confirmedAt).toBeNull();
    expect(sent(a).slice(1).sort()).toEqual([
      'control:desk alert.review_missed',
      'off-n1 alert.review_missed',
      'sup-n1 alert.review_missed',
    ]);
    expect(a.outbox.escalations.map((e) => e.level)).toEqual([1]);
    await expect(a.review.reject(operator, id)).rejects.toMatchObject({ status: 409 });
  });

  it('skips review for SOS and camera tampering', async () => {
    const a = setup([{ id: 'off-n1', district: 'north' }]);
    const sos = await a.intake.sos(operator, 'case-1', { eventId: 'p1' });
    expect(sos.alert.state).toBe('new');
    const ts = Date.now();
    const off = await a.intake.handleCamera({
      type: 'camera.offline',
      eventId: 'off-1',
      cameraId: 'cam-1',
      ts,
      lastFrameAt: ts - 20 * S,
    });
    expect(a.alerts.alerts.get((off as { alertId: string }).alertId)!.state).toBe('new');
    expect(sent(a)).toEqual(['off-n1 alert.created', 'off-n1 alert.created']);
    expect(a.outbox.reviews).toEqual([]);
  });
});

describe('no alert without a recipient', () => {
  it('falls back to supervisors elsewhere, flags, counts and audits it', async () => {
    const a = setup([
      { id: 'off-n1', district: 'north', webhook: false },
      { id: 'sup-s1', district: 'south', supervisor: true },
    ]);
    const r = await a.intake.sos(operator, 'case-1', { eventId: 'p1' });
    expect(r.alert.flags).toEqual(['no_officer_on_duty']);
    expect(sent(a)).toEqual(['sup-s1 alert.created']);
    expect(a.alerts.actions[0]!.note).toMatch(/nobody reachable on duty in north; 1 on duty without a webhook/);
    expect(a.audit.find((x) => x.action === 'alert.no_officer_on_duty')).toMatchObject({
      targetId: r.alert.id,
      detail: expect.stringContaining('"fallback":"supervisors"'),
    });
  });

  it('then to the control room, and says so when even that is missing', async () => {
    const a = setup([{ id: 'off-s1', district: 'south' }]);
    const id = await pendingMatch(a);
    const confirmed = await a.review.confirm(operator, id);
    expect(confirmed.flags).toEqual(['no_officer_on_duty']);
    expect(sent(a)).toEqual(['control:desk alert.created', 'control:desk alert.confirmed']);

    const bare = setup([], []);
    const r = await bare.intake.sos(operator, 'case-1', { eventId: 'p1' });
    expect(r.alert.flags).toEqual(['no_officer_on_duty', 'nobody_reached']);
    expect(bare.alerts.deliveryRows).toEqual([]);
    expect(bare.alerts.actions[0]!.note).toMatch(/nobody was sent it/);
  });
});

describe('every change is pushed', () => {
  it('tells everyone who had the alert when it is acknowledged and resolved, with the times kept', async () => {
    const a = setup([
      { id: 'off-n1', district: 'north' },
      { id: 'off-n2', district: 'north' },
    ]);
    const id = await pendingMatch(a);
    await a.review.confirm(operator, id);
    const acked = await a.service.transition(operator, id, 'acknowledge', 'on my way');
    const resolved = await a.service.transition(operator, id, 'resolve', undefined);
    expect(acked.acknowledgedAt).not.toBeNull();
    expect(resolved.resolvedAt! >= acked.acknowledgedAt!).toBe(true);
    for (const event of ['alert.acknowledged', 'alert.resolved'])
      expect(
        a.alerts.deliveryRows
          .filter((d) => d.event === event)
          .map((d) => d.officerId)
          .sort(),
      ).toEqual(['control:desk', 'off-n1', 'off-n2']);
    expect(a.alerts.journal.map((j) => j.type)).toEqual([
      'alert.created',
      'alert.confirmed',
      'alert.acknowledged',
      'alert.resolved',
    ]);
  });
});
