import { EvidenceService } from '../../alerting/evidence.service.js';
import type { EvidenceTable } from '../../storage/database/database.types.js';
import type { ApiFixture } from '../api-fixture.js';
import { caseInput } from './api.factory.js';

export type EvidenceKind = EvidenceTable['kind'];

/**
 * An SOS alert (state new, district north) holding the given files as evidence, stored through the
 * fixture's real evidence store. Rows are a millisecond apart in the given order, the order the alert
 * lists them in (an export reads them so, and stops at its first changed file).
 */
export async function alertWithEvidence(
  api: ApiFixture,
  files: [kind: EvidenceKind, data: Buffer, mime?: string, ext?: string][],
): Promise<{ alertId: string; rows: Partial<Record<EvidenceKind, EvidenceTable>> }> {
  const c = await api.call('POST', '/v1/cases', { json: caseInput() });
  const sos = await api.call('POST', `/v1/cases/${c.body.id}/sos`, { key: c.body.sosToken, json: {} });
  if (sos.status !== 201) throw new Error(`SOS refused: ${sos.status} ${JSON.stringify(sos.body)}`);
  const alertId: string = sos.body.alert.id;
  const keep = new EvidenceService(api.server.core.repos.evidence);
  const rows: Partial<Record<EvidenceKind, EvidenceTable>> = {};
  const at = Date.now();
  for (const [i, [kind, data, mime = 'image/jpeg', ext = 'jpg']] of files.entries())
    rows[kind] = { ...(await keep.keep(alertId, kind, data, mime, ext)), createdAt: at + i };
  await api.server.core.repos.alerts.insertEvidence(Object.values(rows) as EvidenceTable[]);
  return { alertId, rows };
}
