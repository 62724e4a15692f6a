export const ROLES = ['admin', 'operator', 'officer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** The person an officer key belongs to: an officer of a district, or a guard of one case. */
export interface Responder {
  id: string;
  kind: 'officer' | 'guard';
  name: string;
  badge: string;
  district: string;
  caseId: string | null;
  supervisor: boolean;
}

/**
 * The caller: an API key, or a case's SOS token (which may only raise SOS for its case).
 * An officer key acts as its officer (`responder`); null when it names none (or one since removed):
 * such a key sees no alert.
 */
export type Actor =
  | { kind: 'key'; keyId: string; name: string; role: Role; responder?: Responder | null }
  | { kind: 'sos'; caseId: string; name: string };

/** Who an action is recorded as: an officer by name and badge, other keys by name and role. */
export const actorName = (a: Actor) => {
  if (a.kind === 'sos') return a.name;
  const r = a.responder;
  return r ? `${r.name} (${r.kind} ${r.badge})` : `${a.name} (${a.role})`;
};

/**
 * Who is acting and from where, as services need it for the audit and for
 * permission checks. Controllers build it from the request; services never see HTTP.
 */
export interface AuditContext {
  actor: Actor;
  /** The client's address as the API saw it (behind a trusted proxy: the forwarded one). */
  address: string | null;
}

/** Someone acting without an API key: the command line (by its operating-system user), or a caller the API refused. */
export interface Unkeyed {
  name: string;
  address: string | null;
}
