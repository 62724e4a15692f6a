import type { Role } from '../../audit/audit-context.js';
import { ORIGINAL_EVIDENCE_ROLES } from '../../alerting/alert-access.js';

/** Who may do what, named once so routes read as policy rather than lists. */
export const CAN = {
  /** Biometric data: perpetrator profiles, photos, embeddings. */
  readBiometrics: ['admin', 'operator', 'analyst'],
  writeBiometrics: ['admin', 'operator'],
  readCases: ['admin', 'operator', 'officer', 'analyst'],
  writeCases: ['admin', 'operator'],
  readCameras: ['admin', 'operator', 'officer', 'analyst'],
  writeCameras: ['admin', 'operator'],
  readOfficers: ['admin', 'operator', 'officer'],
  writeOfficers: ['admin'],
  readAlerts: ['admin', 'operator', 'officer', 'analyst'],
  actOnAlerts: ['admin', 'operator', 'officer'],
  /** Confirm or reject a face match before anyone is dispatched (the control room). */
  reviewAlerts: ['admin', 'operator'],
  readEvidence: ['admin', 'operator', 'officer', 'analyst'],
  /** The sighting's still as recorded (bystanders in it), to confirm a match; other readers get its redacted copy. */
  readOriginalStills: ORIGINAL_EVIDENCE_ROLES.snapshot,
  /** The clip as recorded, and unredacted exports. */
  readOriginalVideo: ORIGINAL_EVIDENCE_ROLES.clip,
  /** Sealed exports for prosecutors (audited; bystanders redacted unless an admin asks for the original). */
  exportEvidence: ['admin', 'operator', 'analyst'],
  raiseSos: ['admin', 'operator', 'officer'],
  /** Analysts' replays of footage through the pipeline. */
  replay: ['admin', 'analyst'],
  /** The programme report (outcomes and response times over a period). */
  readReports: ['admin', 'analyst'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
