import type { Config } from '../pipeline/config/index.js';
import type { Logger } from '../runtime/logger.js';
import type { AlertTable, WebhookDeliveryTable } from '../storage/database/database.types.js';
import type { ClipJob } from '../pipeline/queues.js';
import type { AlertRepository } from '../storage/repositories/alert.repository.js';
import { alertDto, type AlertKind } from './alert.dto.js';

/** Work to do after an alert commits: webhook jobs and the escalation timer (both idempotent). */
export interface AlertOutbox {
  enqueueDeliveries(ids: string[]): Promise<void>;
  scheduleEscalation(alertId: string, level: number, delayMs: number): Promise<void>;
  /** The review deadline of a match awaiting an operator. */
  scheduleReview(alertId: string, delayMs: number): Promise<void>;
  /** The event clip of an alert, cut by the evidence worker. */
  requestClip(job: ClipJob): Promise<void>;
}

export type EventOutcome =
  | { outcome: 'created' | 'updated' | 'duplicate'; alertId: string }
  | { outcome: 'suppressed'; reason: string }
  | { outcome: 'ignored'; reason: string }
  /** Refused by the consumer's own checks (a perpetrator not on the camera's case). */
  | { outcome: 'dropped'; reason: string };

/** What one event changed, inside its transaction. */
export interface EventChange {
  alertId: string;
  type: 'alert.created' | 'alert.updated';
  deliveries: string[];
  escalate: boolean;
  /** A match awaiting review: when it goes out unconfirmed. */
  reviewDueAt?: number | null;
}

/** Who an alert action is recorded as. */
export interface ActionBy {
  name: string;
  keyId: string | null;
}
export const PIPELINE: ActionBy = { name: 'pipeline', keyId: null };

/**
 * How alert changes are written: each change commits in one transaction with
 * its journal entry (what SSE serves), then its deliveries and escalation timer
 * go to the outbox. Committed rows are the outbox: when Redis cannot take the
 * jobs now, the alerts worker's sweep enqueues them later.
 */
export class AlertLedger {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    readonly repo: AlertRepository,
    private readonly outbox: AlertOutbox,
    private readonly journalGrew: (seq: number) => void,
    private readonly log: Logger,
  ) {}

  get escalateMs() {
    return this.cfg.alerts.escalateAfterSeconds * 1000;
  }

  /** Appends the alert's current row to the journal; returns the sequence number (the SSE id). */
  async journal(trx: AlertRepository, alertId: string, type: string, at: number): Promise<number> {
    const row = (await trx.get(alertId))!;
    return trx.appendEvent({ alertId, type, payload: JSON.stringify({ type, alert: alertDto(row) }), at });
  }

  async afterCommit(
    seq: number,
    alertId: string,
    deliveries: string[],
    escalateLevel: number | null,
    reviewDueAt: number | null = null,
  ): Promise<void> {
    if (seq > 0) this.journalGrew(seq);
    try {
      await this.outbox.enqueueDeliveries(deliveries);
      if (escalateLevel !== null) await this.outbox.scheduleEscalation(alertId, escalateLevel, this.escalateMs);
      if (reviewDueAt !== null) await this.outbox.scheduleReview(alertId, Math.max(0, reviewDueAt - Date.now()));
    } catch (err) {
      this.log.warn({ alertId, err: (err as Error).message }, 'could not enqueue delivery now; the sweep will');
    }
  }

  requestClip(job: ClipJob): Promise<void> {
    return this.outbox.requestClip(job);
  }

  scheduleReview(alertId: string, dueAt: number): Promise<void> {
    return this.outbox.scheduleReview(alertId, Math.max(0, dueAt - Date.now()));
  }

  scheduleEscalation(alertId: string, level: number): Promise<void> {
    return this.outbox.scheduleEscalation(alertId, level, this.escalateMs);
  }

  /** A replayed or retried event: make sure its committed deliveries are on their way, change nothing. */
  async duplicate(alertId: string): Promise<EventOutcome> {
    const pending = (await this.repo.deliveries(alertId)).filter((d) => d.status === 'pending').map((d) => d.id);
    await this.afterCommit(0, alertId, pending, null);
    return { outcome: 'duplicate', alertId };
  }

  /**
   * Runs one event's change in a transaction (journal entry included), then hands
   * the deliveries to the outbox. A unique-key clash on the eventId means another
   * delivery of the same event won: answer as a duplicate.
   */
  async commit(
    eventId: string,
    change: (trx: AlertRepository, now: number) => Promise<EventChange>,
  ): Promise<EventOutcome> {
    const now = Date.now();
    let done: EventChange & { seq: number };
    try {
      done = await this.repo.transaction(async (trx) => {
        const r = await change(trx, now);
        return { ...r, seq: await this.journal(trx, r.alertId, r.type, now) };
      });
    } catch (err) {
      const winner = await this.repo.alertIdOfEvent(eventId);
      if (winner) return this.duplicate(winner);
      throw err;
    }
    await this.afterCommit(done.seq, done.alertId, done.deliveries, done.escalate ? 1 : null, done.reviewDueAt ?? null);
    return { outcome: done.type === 'alert.created' ? 'created' : 'updated', alertId: done.alertId };
  }

  /**
   * Inserts a new alert with its source event, 'created' action and deliveries. The
   * deliveries are computed before the transaction: SQLite has one connection, so a
   * read outside the transaction while it is open would wait for ever.
   */
  async insertNew(
    trx: AlertRepository,
    row: AlertTable,
    eventId: string,
    deliveries: WebhookDeliveryTable[],
    by: ActionBy,
    escalate: boolean,
    /** Who it went to and why (the dispatch's note). */
    sentTo?: string,
  ): Promise<EventChange> {
    await trx.insert(row);
    await trx.insertSource(eventId, row.id, row.createdAt);
    await trx.insertAction({
      alertId: row.id,
      action: 'created',
      actorKeyId: by.keyId,
      actorName: by.name,
      note: `${row.kind} event ${eventId}${sentTo ? `; ${sentTo}` : ''}`,
      at: row.createdAt,
    });
    await trx.insertDeliveries(deliveries);
    return {
      alertId: row.id,
      type: 'alert.created',
      deliveries: deliveries.map((d) => d.id),
      escalate,
      reviewDueAt: row.state === 'pending_review' ? row.reviewDueAt : null,
    };
  }
}

/** A fresh alert row with the defaults every kind shares. */
export function newAlertRow(
  id: string,
  kind: AlertKind,
  at: number,
  now: number,
  fields: Partial<AlertTable>,
): AlertTable {
  return {
    id,
    kind,
    state: 'new',
    caseId: null,
    cameraId: null,
    perpetratorId: null,
    perpetratorName: null,
    distance: null,
    eventCount: 1,
    firstSeen: at,
    lastSeen: at,
    replayId: null,
    escalationLevel: 0,
    details: '{}',
    createdAt: now,
    updatedAt: now,
    outcome: null,
    reviewDueAt: null,
    confirmedAt: null,
    reviewMissedAt: null,
    dispatchedAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    rejectedAt: null,
    flags: '[]',
    ...fields,
  };
}
