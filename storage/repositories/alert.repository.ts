import type { Database } from '../database/database.js';
import type { AlertTable, EvidenceTable, WebhookDeliveryTable } from '../database/database.types.js';

/** Who may see an alert: its case's district, and the officers it was sent to. */
export interface AlertAudience {
  state: string;
  caseId: string | null;
  district: string | null;
  recipients: ReadonlySet<string>;
}

export const OPEN_STATES = ['pending_review', 'new', 'acknowledged'] as const;

export interface AlertFilter {
  limit: number;
  after?: { createdAt: number; id: string };
  state?: string[];
  kind?: string;
  caseId?: string;
  cameraId?: string;
  perpetratorId?: string;
  since?: number;
  until?: number;
  /** exclude (default): live alerts only; only: replay alerts only; include: both. */
  replay: 'exclude' | 'only' | 'include';
  replayId?: string;
  /** Only alerts of these districts or cases, or sent to this officer (an officer key's view). */
  audience?: { officerId: string | null; districts: string[]; caseIds: string[] };
}

export class AlertRepository {
  constructor(private readonly db: Database) {}

  /** Runs `fn` in one transaction with a repository bound to it. */
  transaction<T>(fn: (repo: AlertRepository) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new AlertRepository(trx)));
  }

  async alertIdOfEvent(eventId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('alertSources')
      .select('alertId')
      .where('eventId', '=', eventId)
      .executeTakeFirst();
    return row?.alertId;
  }

  insertSource(eventId: string, alertId: string, at: number) {
    return this.db.insertInto('alertSources').values({ eventId, alertId, receivedAt: at }).execute();
  }

  /** The latest open alert matching the dedup key, seen at or after `since` (and first seen at or before `until`). */
  findOpen(f: {
    kind: string;
    perpetratorId?: string;
    cameraId?: string;
    caseId?: string;
    since: number;
    until?: number;
    replayId?: string;
  }) {
    let q = this.db
      .selectFrom('alerts')
      .selectAll()
      .where('kind', '=', f.kind)
      .where('state', 'in', [...OPEN_STATES])
      .where('lastSeen', '>=', f.since)
      .orderBy('lastSeen', 'desc')
      .limit(1);
    if (f.until !== undefined) q = q.where('firstSeen', '<=', f.until);
    if (f.perpetratorId !== undefined) q = q.where('perpetratorId', '=', f.perpetratorId);
    if (f.cameraId !== undefined) q = q.where('cameraId', '=', f.cameraId);
    if (f.caseId !== undefined) q = q.where('caseId', '=', f.caseId);
    q = f.replayId ? q.where('replayId', '=', f.replayId) : q.where('replayId', 'is', null);
    return q.executeTakeFirst();
  }

  insert(row: AlertTable) {
    return this.db.insertInto('alerts').values(row).execute();
  }

  update(id: string, patch: Partial<AlertTable>) {
    return this.db.updateTable('alerts').set(patch).where('id', '=', id).execute();
  }

  /** Changes state only from one of `from`; false when the alert was not in such a state. */
  async transition(id: string, from: readonly string[], patch: Partial<AlertTable>): Promise<boolean> {
    const r = await this.db
      .updateTable('alerts')
      .set(patch)
      .where('id', '=', id)
      .where('state', 'in', [...from])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  get(id: string) {
    return this.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(f: AlertFilter) {
    let q = this.db.selectFrom('alerts').selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(f.limit);
    if (f.after) {
      const { createdAt, id } = f.after;
      q = q.where((eb) =>
        eb.or([eb('createdAt', '<', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)])]),
      );
    }
    if (f.state?.length) q = q.where('state', 'in', f.state);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.caseId) q = q.where('caseId', '=', f.caseId);
    if (f.cameraId) q = q.where('cameraId', '=', f.cameraId);
    if (f.perpetratorId) q = q.where('perpetratorId', '=', f.perpetratorId);
    if (f.since !== undefined) q = q.where('createdAt', '>=', f.since);
    if (f.until !== undefined) q = q.where('createdAt', '<', f.until);
    if (f.replayId) q = q.where('replayId', '=', f.replayId);
    else if (f.replay === 'exclude') q = q.where('replayId', 'is', null);
    else if (f.replay === 'only') q = q.where('replayId', 'is not', null);
    const a = f.audience;
    // A match waiting for review is the control room's until it is confirmed or sent unconfirmed.
    if (a) q = q.where('state', '!=', 'pending_review');
    if (a)
      q = q.where((eb) =>
        eb.or([
          eb(
            'caseId',
            'in',
            eb
              .selectFrom('cases')
              .select('id')
              .where('district', 'in', ['', ...a.districts]),
          ),
          eb('caseId', 'in', ['', ...a.caseIds]),
          eb(
            'id',
            'in',
            eb
              .selectFrom('webhookDeliveries')
              .select('alertId')
              .where('officerId', '=', a.officerId ?? ''),
          ),
        ]),
      );
    return q.execute();
  }

  /** Who may see each alert: its case's district and the officers it was sent to. */
  async audience(alertIds: string[]): Promise<Map<string, AlertAudience>> {
    const out = new Map<string, AlertAudience>();
    if (!alertIds.length) return out;
    const [rows, sent] = await Promise.all([
      this.db
        .selectFrom('alerts')
        .leftJoin('cases', 'cases.id', 'alerts.caseId')
        .select(['alerts.id', 'alerts.state', 'alerts.caseId', 'cases.district'])
        .where('alerts.id', 'in', alertIds)
        .execute(),
      this.db
        .selectFrom('webhookDeliveries')
        .select(['alertId', 'officerId'])
        .where('alertId', 'in', alertIds)
        .execute(),
    ]);
    for (const r of rows)
      out.set(r.id, { state: r.state, caseId: r.caseId, district: r.district ?? null, recipients: new Set() });
    for (const d of sent) (out.get(d.alertId)?.recipients as Set<string> | undefined)?.add(d.officerId);
    return out;
  }

  insertAction(a: {
    alertId: string;
    action: string;
    actorKeyId: string | null;
    actorName: string;
    note: string | null;
    at: number;
  }) {
    return this.db.insertInto('alertActions').values(a).execute();
  }

  actions(alertId: string) {
    return this.db.selectFrom('alertActions').selectAll().where('alertId', '=', alertId).orderBy('id', 'asc').execute();
  }

  /** Appends to the journal the SSE stream serves; returns its sequence number (the SSE id). */
  async appendEvent(e: { alertId: string; type: string; payload: string; at: number }): Promise<number> {
    const row = await this.db.insertInto('alertEvents').values(e).returning('seq').executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  eventsAfter(seq: number, limit: number) {
    return this.db
      .selectFrom('alertEvents')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
  }

  async lastEventSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('alertEvents')
      .select((eb) => eb.fn.max('seq').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  insertEvidence(rows: EvidenceTable[]) {
    if (!rows.length) return Promise.resolve();
    return this.db.insertInto('evidence').values(rows).execute();
  }

  evidence(alertId: string) {
    return this.db
      .selectFrom('evidence')
      .selectAll()
      .where('alertId', '=', alertId)
      .orderBy('createdAt', 'asc')
      .orderBy('kind')
      .execute();
  }

  evidenceItem(alertId: string, evidenceId: string) {
    return this.db
      .selectFrom('evidence')
      .selectAll()
      .where('alertId', '=', alertId)
      .where('id', '=', evidenceId)
      .executeTakeFirst();
  }

  insertDeliveries(rows: WebhookDeliveryTable[]) {
    if (!rows.length) return Promise.resolve();
    return this.db.insertInto('webhookDeliveries').values(rows).execute();
  }

  deliveries(alertId: string) {
    return this.db
      .selectFrom('webhookDeliveries')
      .selectAll()
      .where('alertId', '=', alertId)
      .orderBy('createdAt', 'asc')
      .orderBy('id')
      .execute();
  }

  /** An alert's deliveries with each recipient's name (null: the officer was deleted). */
  deliveriesWithRecipient(alertId: string) {
    return this.db
      .selectFrom('webhookDeliveries')
      .leftJoin('officers', 'officers.id', 'webhookDeliveries.officerId')
      .selectAll('webhookDeliveries')
      .select(['officers.name as officerName', 'officers.badge as officerBadge'])
      .where('webhookDeliveries.alertId', '=', alertId)
      .orderBy('webhookDeliveries.createdAt', 'asc')
      .orderBy('webhookDeliveries.id')
      .execute();
  }

  /** Marks a delivery's alarm raised; false when it already was (by this or another process, before a restart). */
  async markAlarmed(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhookDeliveries')
      .set({ alarmedAt: at })
      .where('id', '=', id)
      .where('alarmedAt', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Creation time of the oldest delivery that has failed and is still pending (null: none). */
  async oldestUndelivered(): Promise<number | null> {
    const r = await this.db
      .selectFrom('webhookDeliveries')
      .select((eb) => eb.fn.min('createdAt').as('oldest'))
      .where('status', '=', 'pending')
      .where('attempts', '>', 0)
      .executeTakeFirst();
    return r?.oldest == null ? null : Number(r.oldest);
  }

  delivery(id: string) {
    return this.db.selectFrom('webhookDeliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  pendingDeliveries(limit: number) {
    return this.db
      .selectFrom('webhookDeliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('createdAt')
      .limit(limit)
      .execute();
  }

  updateDelivery(id: string, patch: Partial<WebhookDeliveryTable>) {
    return this.db.updateTable('webhookDeliveries').set(patch).where('id', '=', id).execute();
  }

  /** Officers already notified about an alert (escalation goes to someone new). */
  async notifiedOfficers(alertId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('webhookDeliveries')
      .select('officerId')
      .where('alertId', '=', alertId)
      .execute();
    return new Set(rows.map((r) => r.officerId));
  }
}
