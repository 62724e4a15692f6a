export const ROLES = ['admin', 'operator', 'officer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** The caller: an API key, or a case's SOS token (which may only raise SOS for its case). */
export type Actor =
  | { kind: 'key'; keyId: string; name: string; role: Role }
  | { kind: 'sos'; caseId: string; name: string };

export const actorName = (a: Actor) => (a.kind === 'key' ? `${a.name} (${a.role})` : a.name);

/**
 * Who is acting and from where, as services need it for the audit and for
 * permission checks. Controllers build it from the request; services never see HTTP.
 */
export interface AuditContext {
  actor: Actor;
  /** The client's address as the API saw it (behind a trusted proxy: the forwarded one). */
  address: string | null;
}
