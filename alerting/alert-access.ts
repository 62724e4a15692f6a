import type { Actor, Role } from '../audit/audit-context.js';
import type { AlertAudience } from '../storage/repositories/alert.repository.js';

/**
 * Which alerts a caller may see and act on. Control-room roles see all of them; an
 * officer key sees what its officer is responsible for: the alerts of their district
 * (supervisors included), a guard those of their case, and anyone the alerts that
 * were sent to them (an escalation from another district), once out of review. An
 * officer key without an officer, and an SOS token, see none.
 */
export type AlertScope =
  | { all: true }
  | { all: false; officerId: string | null; districts: string[]; caseIds: string[] };

const NOBODY: AlertScope = { all: false, officerId: null, districts: [], caseIds: [] };

export function scopeOf(actor: Actor): AlertScope {
  if (actor.kind === 'sos') return NOBODY;
  if (actor.role !== 'officer') return { all: true };
  const r = actor.responder;
  if (!r) return NOBODY;
  if (r.kind === 'guard') return { all: false, officerId: r.id, districts: [], caseIds: r.caseId ? [r.caseId] : [] };
  return { all: false, officerId: r.id, districts: [r.district], caseIds: [] };
}

export function canSee(scope: AlertScope, a: AlertAudience): boolean {
  if (scope.all) return true;
  // A match waiting for review is the control room's: no officer sees it before it is confirmed or sent unconfirmed.
  if (a.state === 'pending_review') return false;
  if (scope.officerId && a.recipients.has(scope.officerId)) return true;
  if (a.caseId && scope.caseIds.includes(a.caseId)) return true;
  return a.district !== null && scope.districts.includes(a.district);
}

/**
 * Evidence as recorded, with everyone who was in the frame, and who may see it. The sighting's still
 * (annotated snapshot, raw frame): the control room, who confirm the match from it. The clip, and
 * unredacted exports: admins. Everyone else reads the redacted copies (`snapshot_redacted`,
 * `clip_redacted`) and the matched person's face crop.
 */
export const ORIGINAL_EVIDENCE_ROLES = {
  snapshot: ['admin', 'operator'],
  frame: ['admin', 'operator'],
  clip: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

/** Roles allowed this kind of evidence; null: it is redacted (or shows only the matched person), so any reader. */
export const originalRoles = (kind: string): readonly Role[] | null =>
  (ORIGINAL_EVIDENCE_ROLES as Record<string, readonly Role[]>)[kind] ?? null;

export const maySee = (actor: Actor, kind: string): boolean => {
  const roles = originalRoles(kind);
  return !roles || (actor.kind === 'key' && roles.includes(actor.role));
};
