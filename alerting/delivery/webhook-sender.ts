import { Counter, Gauge } from 'prom-client';
import type { Config } from '../../pipeline/config/index.js';
import type { Logger } from '../../runtime/logger.js';
import { registry } from '../../runtime/metrics.js';
import type { AlertTable, WebhookDeliveryTable } from '../../storage/database/database.types.js';
import type { AlertRepository } from '../../storage/repositories/alert.repository.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { OfficerRepository } from '../../storage/repositories/officer.repository.js';
import { alertDto, evidenceDto } from '../alert.dto.js';
import { webhookOf } from '../recipients.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.js';
import { postWebhook, transportErrorText } from './webhook-transport.js';

const CLOSED = new Set(['resolved', 'false_positive']);

/** A delivery attempt that failed; thrown so the queue retries it with backoff. */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

const webhookFailures = new Counter({
  name: 'watchpost_webhook_failures_total',
  help: 'Webhook attempts that did not get a 2xx (each is retried until one does or the alert is resolved)',
  registers: [registry],
});
const webhookAlarms = new Counter({
  name: 'watchpost_webhook_alarms_total',
  help: 'Deliveries that kept failing past alerts.deliveryAlarmSeconds (alarm raised: audit, escalation)',
  registers: [registry],
});
/** Where the gauge reads the oldest failing delivery: the database, so every alerts process agrees, across restarts. */
const oldestSources = new Set<() => Promise<number | null>>();
new Gauge({
  name: 'watchpost_webhook_oldest_undelivered_seconds',
  help: 'Age of the oldest delivery still failing (0 when none): an officer who has not got an alert',
  registers: [registry],
  async collect() {
    const answers = await Promise.all([...oldestSources].map((read) => read().catch(() => null)));
    const oldest = answers.filter((x): x is number => x !== null);
    this.set(oldest.length ? (Date.now() - Math.min(...oldest)) / 1000 : 0);
  },
});

export interface WebhookSenderOptions {
  /** A delivery failing this long after it was created raises the alarm (once per delivery). */
  alarmMs: number;
  /** The alarm's consequences (escalation, audit); the sender counts and logs it. */
  onAlarm: (d: WebhookDeliveryTable, failingForMs: number) => Promise<void>;
  timeoutMs?: number;
}

/**
 * Sends one delivery row as a signed POST and records the receipt (attempts,
 * last status, delivered time). The body is built at send time from the
 * database, so a retry carries the alert's current state, under the same
 * delivery id (receivers deduplicate on it). A failure throws, and the queue
 * retries with a capped backoff until the receiver answers 2xx or the alert is
 * resolved; past `alarmMs` it raises the alarm.
 */
export class WebhookSender {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    private readonly alerts: AlertRepository,
    private readonly officers: OfficerRepository,
    private readonly cases: CaseRepository,
    private readonly log: Logger,
    private readonly opts: WebhookSenderOptions,
  ) {
    oldestSources.add(this.oldestUndelivered);
  }

  private readonly oldestUndelivered = () => this.alerts.oldestUndelivered();

  /** Its database is closing: the gauge stops asking it. */
  close(): void {
    oldestSources.delete(this.oldestUndelivered);
  }

  async deliver(deliveryId: string): Promise<'delivered' | 'skipped' | 'done'> {
    const d = await this.alerts.delivery(deliveryId);
    if (d?.status !== 'pending') return 'done';
    const hook = await webhookOf(this.cfg, this.officers, d.officerId);
    const alert = await this.alerts.get(d.alertId);
    if (!hook || !alert) {
      await this.alerts.updateDelivery(d.id, {
        status: 'skipped',
        lastError: 'recipient, webhook or alert no longer exists',
      });
      return 'skipped';
    }
    // Someone has dealt with it: retries end (they would otherwise run until the receiver answers),
    // but the news that it was dealt with still goes out.
    if (CLOSED.has(alert.state) && !CLOSED.has(d.event.replace(/^alert\./, ''))) {
      await this.alerts.updateDelivery(d.id, { status: 'skipped', lastError: `alert ${alert.state} before delivery` });
      return 'skipped';
    }
    const { status, error } = await this.post(hook, d, await this.body(d, alert));
    if (error === null) {
      await this.alerts.updateDelivery(d.id, {
        status: 'delivered',
        attempts: d.attempts + 1,
        lastStatus: status,
        lastError: null,
        deliveredAt: Date.now(),
      });
      if (d.attempts > 0)
        this.log.warn(
          { deliveryId: d.id, officerId: d.officerId, afterMs: Date.now() - d.createdAt },
          'webhook delivered after failures',
        );
      return 'delivered';
    }
    return this.failed(d, alert, status, error);
  }

  /** The alert's current state, its case and evidence: built at send time, so a retry is never stale. */
  private async body(d: WebhookDeliveryTable, alert: AlertTable): Promise<string> {
    const caseRow = alert.caseId ? await this.cases.get(alert.caseId) : undefined;
    const evidence = await this.alerts.evidence(alert.id);
    return JSON.stringify({
      event: d.event,
      deliveryId: d.id,
      sentAt: Date.now(),
      alert: alertDto(alert),
      case: caseRow
        ? { id: caseRow.id, residence: caseRow.residence, district: caseRow.district, riskLevel: caseRow.riskLevel }
        : null,
      evidence: evidence.map(evidenceDto),
    });
  }

  /** One signed POST: the receiver's status, and an error unless it answered 2xx. */
  private async post(
    hook: { url: string; secret: string },
    d: WebhookDeliveryTable,
    body: string,
  ): Promise<{ status: number | null; error: string | null }> {
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    try {
      const res = await postWebhook(hook.url, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'watchpost-webhooks/0.1',
          [WEBHOOK_HEADERS.event]: d.event,
          [WEBHOOK_HEADERS.delivery]: d.id,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(hook.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      status = res.status;
      await res.body?.cancel();
      return { status, error: res.ok ? null : `receiver answered ${status}` };
    } catch (err) {
      return { status, error: transportErrorText(err) };
    }
  }

  /** Records a failed attempt, gives up or raises the alarm when it has failed too long, and throws to be retried. */
  private async failed(
    d: WebhookDeliveryTable,
    alert: AlertTable,
    status: number | null,
    error: string,
  ): Promise<'done'> {
    await this.alerts.updateDelivery(d.id, {
      status: 'pending',
      attempts: d.attempts + 1,
      lastStatus: status,
      lastError: error,
    });
    webhookFailures.inc();
    const failingForMs = Date.now() - d.createdAt;
    // The news that a closed alert was dealt with is worth trying for a while, not for ever.
    if (CLOSED.has(alert.state) && failingForMs >= this.opts.alarmMs) {
      await this.alerts.updateDelivery(d.id, {
        status: 'failed',
        lastError: `${error}; gave up: alert ${alert.state}`,
      });
      return 'done';
    }
    // Once per delivery: the mark is in the database, so a restarted or second alerts worker does not repeat it.
    if (
      failingForMs >= this.opts.alarmMs &&
      d.alarmedAt === null &&
      (await this.alerts.markAlarmed(d.id, Date.now()))
    ) {
      webhookAlarms.inc();
      this.log.error(
        { deliveryId: d.id, alertId: d.alertId, officerId: d.officerId, failingForMs, attempts: d.attempts + 1, error },
        'webhook undelivered past the alarm time: escalating',
      );
      await this.opts
        .onAlarm(d, failingForMs)
        .catch((err: unknown) =>
          this.log.error({ deliveryId: d.id, error: (err as Error).message }, 'delivery alarm could not escalate'),
        );
    } else
      this.log.warn({ deliveryId: d.id, officerId: d.officerId, status, error }, 'webhook delivery failed: retrying');
    throw new WebhookDeliveryError(`delivery ${d.id}: ${error}`);
  }
}
