import { describe, expect, it } from 'vitest';
import { inMemoryAlerting, matchAt } from '../test/factories/in-memory-alerting.js';

async function alertWith(officers: { id: string; district: string; supervisor?: boolean }[]) {
  const a = inMemoryAlerting({ escalateAfterSeconds: 5, review: 'off' });
  a.people.addCase('case-1', 'north');
  a.people.addCamera('cam-1', 'case-1');
  for (const o of officers) a.people.addOfficer(o.id, o.district, o);
  const now = Date.now();
  const r = await a.intake.handleMatch(matchAt('cam-1', 'prp-1', now - 1000, now));
  return { a, alertId: (r as { alertId: string }).alertId };
}

describe('alert escalation', () => {
  it('reaches someone new at every level, or says nobody was left, once per level', async () => {
    const { a, alertId } = await alertWith([
      { id: 'off-n1', district: 'north' },
      { id: 'sup-s1', district: 'south', supervisor: true },
      { id: 'sup-e1', district: 'east', supervisor: true },
    ]);
    // No district supervisor: level 1 already goes to the supervisors elsewhere.
    expect(await a.escalation.escalate(alertId, 1)).toEqual({ escalated: true, notified: 2 });
    expect(await a.escalation.escalate(alertId, 1)).toEqual({ escalated: false, notified: 0 });
    expect(await a.escalation.escalate(alertId, 2)).toEqual({ escalated: true, notified: 0 });
    expect(a.alerts.actions.at(-1)?.note).toMatch(/level 2: .*nobody left to reach/);
    a.people.addOfficer('sup-w1', 'west', { supervisor: true });
    expect(await a.escalation.escalate(alertId, 3)).toEqual({ escalated: true, notified: 1 });
    const escalated = a.alerts.deliveryRows.filter((d) => d.event === 'alert.escalated');
    expect(escalated.map((d) => d.officerId).sort()).toEqual(['sup-e1', 'sup-s1', 'sup-w1']);
    // Each level that happened is in the audit, once, with whom it reached.
    expect(a.audit.filter((r) => r.action === 'alert.escalate').map((r) => JSON.parse(r.detail!))).toEqual([
      { level: 1, notified: 2 },
      { level: 2, notified: 0 },
      { level: 3, notified: 1 },
    ]);
    expect(a.outbox.escalations.map((e) => e.level)).toEqual([1, 2, 3]);
    expect(a.alerts.alerts.get(alertId)!.escalationLevel).toBe(3);
  });

  it('passes over a district supervisor who already has the alert to supervisors elsewhere', async () => {
    const { a, alertId } = await alertWith([
      { id: 'sup-n1', district: 'north', supervisor: true },
      { id: 'sup-s1', district: 'south', supervisor: true },
    ]);
    expect(a.alerts.deliveryRows.map((d) => d.officerId)).toEqual(['sup-n1']);
    expect(await a.escalation.escalate(alertId, 1)).toEqual({ escalated: true, notified: 1 });
    expect(a.alerts.deliveryRows.at(-1)).toMatchObject({ officerId: 'sup-s1', event: 'alert.escalated' });
  });

  it('leaves an acknowledged alert alone', async () => {
    const { a, alertId } = await alertWith([{ id: 'sup-s1', district: 'south', supervisor: true }]);
    const ctx = {
      actor: { kind: 'key' as const, keyId: 'k', name: 'Control room', role: 'operator' as const },
      address: null,
    };
    await a.service.transition(ctx, alertId, 'acknowledge', undefined);
    expect(await a.escalation.escalate(alertId, 1)).toEqual({ escalated: false, notified: 0 });
    expect(a.alerts.deliveryRows.filter((d) => d.event === 'alert.escalated')).toEqual([]);
  });
});
