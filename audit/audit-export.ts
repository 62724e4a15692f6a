import type { CsvCell } from '../pipeline/csv.js';
import type { AuditTable } from '../storage/database/database.types.js';

type Row = Omit<AuditTable, 'id'> & { id: number };

/** What came of the attempt: the entry's own `outcome` when it names one, otherwise it went through. */
export const outcomeOf = (detail: Record<string, unknown> | null): string =>
  typeof detail?.outcome === 'string' ? detail.outcome : 'ok';

export const parseDetail = (detail: string | null) => (detail ? (JSON.parse(detail) as Record<string, unknown>) : null);

/** `GET /v1/audit?format=csv`: one entry a row, with its chain hashes so a copy can be checked later. */
export const AUDIT_CSV_HEADER = [
  'id',
  'at',
  'actor',
  'actor_key_id',
  'role',
  'address',
  'action',
  'outcome',
  'target_type',
  'target_id',
  'detail',
  'prev_hash',
  'hash',
] as const;

export const auditCsvRow = (r: Row): CsvCell[] => [
  r.id,
  new Date(r.at).toISOString(),
  r.actorName,
  r.actorKeyId,
  r.role,
  r.ip,
  r.action,
  outcomeOf(parseDetail(r.detail)),
  r.targetType,
  r.targetId,
  r.detail,
  r.prevHash,
  r.hash,
];
