import type { Logger } from '../../runtime/logger.js';
import type { AlertRepository } from '../../storage/repositories/alert.repository.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { OfficerRepository } from '../../storage/repositories/officer.repository.js';
import { alertDto, evidenceDto } from '../alert.dto.js';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.js';

/** A delivery attempt that failed; thrown so the queue retries it with backoff. */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

/**
 * Sends one delivery row as a signed POST and records the receipt (attempts,
 * last status, delivered time). The body is built at send time from the
 * database, so a retry carries the alert's current state.
 */
export class WebhookSender {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly officers: OfficerRepository,
    private readonly cases: CaseRepository,
    private readonly log: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  async deliver(deliveryId: string, finalAttempt: boolean): Promise<'delivered' | 'skipped' | 'done'> {
    const d = await this.alerts.delivery(deliveryId);
    if (!d || d.status !== 'pending') return 'done';
    const officer = await this.officers.get(d.officerId);
    const alert = await this.alerts.get(d.alertId);
    if (!officer?.webhookSecret || !officer.webhookUrl || !alert) {
      await this.alerts.updateDelivery(d.id, {
        status: 'skipped',
        lastError: 'officer, webhook or alert no longer exists',
      });
      return 'skipped';
    }
    const caseRow = alert.caseId ? await this.cases.get(alert.caseId) : undefined;
    const evidence = await this.alerts.evidence(alert.id);
    const body = JSON.stringify({
      event: d.event,
      deliveryId: d.id,
      sentAt: Date.now(),
      alert: alertDto(alert),
      case: caseRow
        ? { id: caseRow.id, residence: caseRow.residence, district: caseRow.district, riskLevel: caseRow.riskLevel }
        : null,
      evidence: evidence.map(evidenceDto),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(officer.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'watchpost-webhooks/0.1',
          [WEBHOOK_HEADERS.event]: d.event,
          [WEBHOOK_HEADERS.delivery]: d.id,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(officer.webhookSecret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      await res.body?.cancel();
      if (res.ok) {
        await this.alerts.updateDelivery(d.id, {
          status: 'delivered',
          attempts: d.attempts + 1,
          lastStatus: status,
          lastError: null,
          deliveredAt: Date.now(),
        });
        return 'delivered';
      }
      error = `receiver answered ${status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    await this.alerts.updateDelivery(d.id, {
      status: finalAttempt ? 'failed' : 'pending',
      attempts: d.attempts + 1,
      lastStatus: status,
      lastError: error,
    });
    this.log.warn({ deliveryId: d.id, officerId: d.officerId, status, error, finalAttempt }, 'webhook delivery failed');
    throw new WebhookDeliveryError(`delivery ${d.id}: ${error}`);
  }
}
