import type { OfficerTable, WebhookDeliveryTable } from '../storage/database/database.types.js';
import { newId } from '../storage/repositories/ids.js';

/**
 * One pending webhook delivery per officer with a webhook, each officer once,
 * in the given order. The only place delivery rows are built.
 */
export function deliveryRows(
  alertId: string,
  officers: readonly Pick<OfficerTable, 'id' | 'webhookUrl'>[],
  event: string,
  at: number,
): WebhookDeliveryTable[] {
  const seen = new Set<string>();
  const rows: WebhookDeliveryTable[] = [];
  for (const o of officers) {
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
