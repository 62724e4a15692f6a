import type { Generated } from 'kysely';
import type { ChainedFields } from '../../pipeline/audit-chain.js';

/**
 * Table shapes, shared by SQLite and PostgreSQL. Times are integer ms since epoch,
 * booleans are 0/1 integers and structured values are JSON text, so both engines
 * store and return exactly the same values.
 */
export interface ApiKeyTable {
  id: string;
  name: string;
  role: string;
  keyHash: string;
  /** First characters of the key, to tell keys apart in listings. */
  keyPrefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** After this the key is refused as if revoked; null: no expiry. */
  expiresAt: number | null;
  /** An officer key's officer (or guard): whose alerts it sees, and whom its actions are recorded as. */
  officerId: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface PerpetratorTable {
  id: string;
  name: string;
  notes: string | null;
  /** 1: watched on every camera, not only on the cameras of linked cases. */
  watchEverywhere: number;
  createdAt: number;
  updatedAt: number;
}

export interface PhotoTable {
  id: string;
  perpetratorId: string;
  sha256: string;
  mime: string;
  width: number;
  height: number;
  /** JSON [x1,y1,x2,y2] of the enrolled face. */
  faceBox: string;
  path: string;
  createdAt: number;
  /** JSON PhotoQuality from the enrolment gate; null for photos enrolled before it and not rechecked yet. */
  quality: string | null;
  /** Why the enrolment gate refuses this (older) photo: flagged for the operator, still enrolled. */
  gateRefusal: string | null;
}

export interface EmbeddingTable {
  id: string;
  perpetratorId: string;
  photoId: string;
  embedder: string;
  /** JSON array of numbers. */
  descriptor: string;
  createdAt: number;
}

export interface CaseTable {
  id: string;
  victimRef: string;
  residence: string;
  district: string;
  riskLevel: string;
  windowStart: number;
  windowEnd: number;
  /** JSON {from:'HH:MM', to:'HH:MM'} or null (all day). */
  activeHours: string | null;
  timezone: string;
  status: string;
  sosTokenHash: string;
  createdAt: number;
  updatedAt: number;
}

export interface CasePerpetratorTable {
  caseId: string;
  perpetratorId: string;
}

export interface CameraTable {
  id: string;
  name: string;
  url: string;
  caseId: string | null;
  fps: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface OfficerTable {
  id: string;
  name: string;
  badge: string;
  district: string;
  supervisor: number;
  webhookUrl: string | null;
  webhookSecret: string | null;
  createdAt: number;
  /** officer (police, a district) or guard (a contracted guard at one case's residence). */
  kind: string;
  /** A guard's case; null for officers. */
  caseId: string | null;
}

export interface ShiftTable {
  id: string;
  officerId: string;
  district: string;
  startsAt: number;
  endsAt: number;
  createdAt: number;
}

export interface AlertTable {
  id: string;
  kind: string;
  state: string;
  caseId: string | null;
  cameraId: string | null;
  perpetratorId: string | null;
  perpetratorName: string | null;
  distance: number | null;
  eventCount: number;
  firstSeen: number;
  lastSeen: number;
  replayId: string | null;
  escalationLevel: number;
  /** JSON: kind-specific details (scores, SOS location, offline reason). */
  details: string;
  createdAt: number;
  updatedAt: number;
  /** What resolving it found (intercepted, arrested, no_contact, false_alarm); null until resolved. */
  outcome: string | null;
  /** When an unreviewed match goes to the officers anyway (pending_review only). */
  reviewDueAt: number | null;
  confirmedAt: number | null;
  reviewMissedAt: number | null;
  /** When responders were first sent it. */
  dispatchedAt: number | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  /** Rejected in review or marked a false positive later. */
  rejectedAt: number | null;
  /** JSON array of AlertFlag. */
  flags: string;
}

export interface AlertSourceTable {
  eventId: string;
  alertId: string;
  receivedAt: number;
}

export interface AlertActionTable {
  id: Generated<number>;
  alertId: string;
  action: string;
  actorKeyId: string | null;
  actorName: string;
  note: string | null;
  at: number;
}

/** The journal the SSE stream replays from (`seq` is the SSE event id). */
export interface AlertEventTable {
  seq: Generated<number>;
  alertId: string;
  type: string;
  payload: string;
  at: number;
}

export interface EvidenceTable {
  id: string;
  alertId: string;
  kind: string;
  sha256: string;
  bytes: number;
  mime: string;
  path: string;
  createdAt: number;
}

export interface WebhookDeliveryTable {
  id: string;
  alertId: string;
  officerId: string;
  url: string;
  event: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  /** When the delivery alarm was raised (once per delivery); null: not raised. */
  alarmedAt: number | null;
}

/** An audit entry: the fields its hash covers (pipeline/audit-chain.ts), and its links. */
export interface AuditTable extends Omit<ChainedFields, 'id'> {
  id: Generated<number>;
  /** The previous entry's hash and this one's; null only until the write completes. */
  prevHash: string | null;
  hash: string | null;
}

/** The audit chain's ends, one row (id 1): its newest entry, and the anchor a retention purge leaves. */
export interface AuditChainTable {
  id: number;
  headId: number | null;
  headHash: string;
  anchorId: number | null;
  anchorHash: string | null;
}

/** Analysts' replays: the API writes them, from what the replay workers report over Redis. */
export interface ReplayTable {
  id: string;
  /** queued, running, done, failed. */
  status: string;
  /** Fixture name or uploaded file name. */
  source: string;
  /** Who was watched for, for people: a fixture's gallery, "case <id>", "every enrolled perpetrator". */
  watchlist: string;
  caseId: string | null;
  /** The uploaded video on the volume shared with replay workers, deleted once the replay ends; null for fixtures. */
  uploadPath: string | null;
  createdAt: number;
  createdBy: string;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
  /** JSON {frames, total, fps, etaSec}. */
  progress: string;
  /** JSON: the timeline the dashboard reads, once done. */
  result: string | null;
}

export interface DB {
  apiKeys: ApiKeyTable;
  settings: SettingTable;
  perpetrators: PerpetratorTable;
  photos: PhotoTable;
  embeddings: EmbeddingTable;
  cases: CaseTable;
  casePerpetrators: CasePerpetratorTable;
  cameras: CameraTable;
  officers: OfficerTable;
  shifts: ShiftTable;
  alerts: AlertTable;
  alertSources: AlertSourceTable;
  alertActions: AlertActionTable;
  alertEvents: AlertEventTable;
  evidence: EvidenceTable;
  webhookDeliveries: WebhookDeliveryTable;
  audit: AuditTable;
  auditChain: AuditChainTable;
  replays: ReplayTable;
}
