import type { Config } from '../pipeline/config/index.js';
import type { OfficerTable, WebhookDeliveryTable } from '../storage/database/database.types.js';
import { newId } from '../storage/repositories/ids.js';
import type { OfficerRepository } from '../storage/repositories/officer.repository.js';

/** Someone a webhook can go to: an officer (their id), or a control-room receiver (`control:<id>`). */
export type Recipient = Pick<OfficerTable, 'id' | 'webhookUrl'>;

const CONTROL = 'control:';

/** The control room's receivers from config (`alerts.controlRoom`), as recipients. */
export const controlRoom = (cfg: Pick<Config, 'alerts'>): Recipient[] =>
  cfg.alerts.controlRoom.map((c) => ({ id: `${CONTROL}${c.id}`, webhookUrl: c.url }));

/** Where a recipient's webhooks go and the key they are signed with; null when it no longer exists. */
export async function webhookOf(
  cfg: Pick<Config, 'alerts'>,
  officers: Pick<OfficerRepository, 'get'>,
  recipientId: string,
): Promise<{ url: string; secret: string } | null> {
  if (recipientId.startsWith(CONTROL)) {
    const c = cfg.alerts.controlRoom.find((x) => `${CONTROL}${x.id}` === recipientId);
    return c ? { url: c.url, secret: c.secret } : null;
  }
  const o = await officers.get(recipientId);
  return o?.webhookUrl && o.webhookSecret ? { url: o.webhookUrl, secret: o.webhookSecret } : null;
}

/** Everyone an alert's webhooks went to so far, each once, first receipt first. */
export const priorRecipients = (deliveries: readonly WebhookDeliveryTable[]): Recipient[] =>
  deliveries.map((d) => ({ id: d.officerId, webhookUrl: d.url }));

/**
 * One pending webhook delivery per recipient with a webhook, each once,
 * in the given order. The only place delivery rows are built.
 */
export function deliveryRows(
  alertId: string,
  recipients: readonly Recipient[],
  event: string,
  at: number,
): WebhookDeliveryTable[] {
  const seen = new Set<string>();
  const rows: WebhookDeliveryTable[] = [];
  for (const o of recipients) {
    if (!o.webhookUrl || seen.has(o.id)) continue;
    seen.add(o.id);
    rows.push({
      id: newId('dlv'),
      alertId,
      officerId: o.id,
      url: o.webhookUrl,
      event,
      status: 'pending',
      attempts: 0,
      lastStatus: null,
      lastError: null,
      createdAt: at,
      deliveredAt: null,
      alarmedAt: null,
    });
  }
  return rows;
}
