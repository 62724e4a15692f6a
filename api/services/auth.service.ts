import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from '../../runtime/problem.js';
import { ROLES, type Actor, type Responder, type Role } from '../../audit/audit-context.js';
import type { OfficerTable } from '../../storage/database/database.types.js';
import type { OfficerRepository } from '../../storage/repositories/officer.repository.js';
import type { ApiKeyRepository } from '../../storage/repositories/api-key.repository.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import { newId } from '../../storage/repositories/ids.js';
import type { SettingsRepository } from '../../storage/repositories/settings.repository.js';

/**
 * Keys are 256 random bits, so a plain SHA-256 is enough to store them (a slow
 * password hash protects guessable secrets; these are not guessable).
 */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface CreatedKey {
  id: string;
  name: string;
  role: Role;
  expiresAt: number | null;
  /** The officer (or guard) an officer key acts as. */
  officerId: string | null;
  /** Shown once; only its hash is stored. */
  key: string;
}

const TOUCH_EVERY_MS = 60_000;
const TICKET_TTL_MS = 60_000;
/** The queue board's cookie: an admin session of half an hour, ended early by revoking the key. */
export const BOARD_SESSION_TTL_MS = 30 * 60_000;

/** A player's ticket outlives a clip's length and a pause: the video element asks for ranges as it plays. */
const MEDIA_TICKET_TTL_MS = 15 * 60_000;

/** What a signed ticket stands in for: the SSE stream (60 s), evidence for a player, or the queue board's cookie. */
export type TicketPurpose = 'stream' | 'media' | 'board';

export const responderOf = (o: OfficerTable): Responder => ({
  id: o.id,
  kind: o.kind === 'guard' ? 'guard' : 'officer',
  name: o.name,
  badge: o.badge,
  district: o.district,
  caseId: o.caseId,
  supervisor: o.supervisor === 1,
});

export class AuthService {
  private ticketSecret: Buffer | null = null;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cases: CaseRepository,
    private readonly settings: SettingsRepository,
    private readonly officers: OfficerRepository,
  ) {}

  /**
   * An officer key belongs to an officer (or guard) record: it sees what that person may see and
   * acts as them; its name defaults to theirs. Other roles name no officer.
   */
  async createKey(
    role: string,
    name: string | null,
    expiresAt: number | null = null,
    officerId: string | null = null,
  ): Promise<CreatedKey> {
    if (!(ROLES as readonly string[]).includes(role))
      throw new HttpProblem(400, 'Bad Request', `role must be one of ${ROLES.join(', ')}`);
    if (role === 'officer' && !officerId)
      throw new HttpProblem(
        400,
        'Bad Request',
        'an officer key needs the officer it belongs to (officerId, --officer)',
      );
    if (role !== 'officer' && officerId)
      throw new HttpProblem(400, 'Bad Request', `only officer keys belong to an officer, not ${role} keys`);
    const officer = officerId ? await this.officers.get(officerId) : null;
    if (officerId && !officer) throw new HttpProblem(400, 'Bad Request', `unknown officer id: ${officerId}`);
    const label = (name ?? '').trim() || officer?.name || '';
    if (!label) throw new HttpProblem(400, 'Bad Request', 'name must not be empty');
    if (expiresAt !== null && expiresAt <= Date.now())
      throw new HttpProblem(400, 'Bad Request', 'expiresAt must be in the future');
    const key = `wp_${randomBytes(32).toString('base64url')}`;
    const id = newId('key');
    await this.keys.insert({
      id,
      name: label,
      role,
      keyHash: hashSecret(key),
      keyPrefix: key.slice(0, 9),
      createdAt: Date.now(),
      expiresAt,
      officerId,
    });
    return { id, name: label, role: role as Role, expiresAt, officerId, key };
  }

  listKeys() {
    return this.keys.list();
  }

  revokeKey(id: string) {
    return this.keys.revoke(id, Date.now());
  }

  /** The actor behind a bearer secret: an API key, or (when allowed) a case's SOS token. */
  async actorFor(secret: string, allowSos: boolean): Promise<Actor | null> {
    const hash = hashSecret(secret);
    const key = await this.keys.findActiveByHash(hash);
    if (key) {
      const now = Date.now();
      if (!key.lastUsedAt || now - key.lastUsedAt > TOUCH_EVERY_MS) await this.keys.touch(key.id, now);
      return this.keyActor(key.id, key.name, key.role as Role, key.officerId);
    }
    if (allowSos && secret.startsWith('sos_')) {
      const c = await this.cases.findBySosTokenHash(hash);
      if (c) return { kind: 'sos', caseId: c.id, name: `sos-token:${c.id}` };
    }
    return null;
  }

  /**
   * A short-lived ticket for the SSE stream: browsers' EventSource cannot send an
   * Authorization header, so the page trades its key for a ticket valid 60 s.
   */
  streamTicket(actor: Actor): Promise<{ ticket: string; expiresAt: number }> {
    return this.ticket(actor, 'stream', TICKET_TTL_MS);
  }

  /**
   * A ticket for the dashboard's video player: `<video>` and `<track>` fetch their sources (and
   * every byte range while seeking) without an Authorization header. Read-only evidence routes only.
   */
  mediaTicket(actor: Actor): Promise<{ ticket: string; expiresAt: number }> {
    return this.ticket(actor, 'media', MEDIA_TICKET_TTL_MS);
  }

  /**
   * The queue board (bull-board) is a page of its own, opened by a browser that cannot
   * send the Authorization header: the dashboard trades the admin's key for this, sent
   * back as an HttpOnly cookie scoped to the board.
   */
  boardSession(actor: Actor): Promise<{ ticket: string; expiresAt: number }> {
    return this.ticket(actor, 'board', BOARD_SESSION_TTL_MS);
  }

  /** The actor a ticket was issued to, if it is genuine, unexpired, for this purpose, and its key still active (revoked or expired: void). */
  async actorForTicket(ticket: string, purpose: TicketPurpose = 'stream'): Promise<Actor | null> {
    const [body, sig] = ticket.split('.');
    if (!body || !sig) return null;
    const expected = Buffer.from(await this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const t = JSON.parse(Buffer.from(body, 'base64url').toString()) as {
      k: string;
      n: string;
      r: Role;
      e: number;
      p?: TicketPurpose;
      o?: string | null;
    };
    if (t.e < Date.now() || (t.p ?? 'stream') !== purpose) return null;
    if (!(await this.keys.isActive(t.k))) return null;
    return this.keyActor(t.k, t.n, t.r, t.o ?? null);
  }

  /** A key's actor; an officer key's responder is read now, so a change of district applies at once. */
  private async keyActor(keyId: string, name: string, role: Role, officerId: string | null): Promise<Actor> {
    if (role !== 'officer') return { kind: 'key', keyId, name, role };
    const o = officerId ? await this.officers.get(officerId) : undefined;
    return { kind: 'key', keyId, name, role, responder: o ? responderOf(o) : null };
  }

  private async ticket(
    actor: Actor,
    purpose: TicketPurpose,
    ttlMs: number,
  ): Promise<{ ticket: string; expiresAt: number }> {
    if (actor.kind !== 'key') throw new HttpProblem(403, 'Forbidden', `only API keys get ${purpose} tickets`);
    const expiresAt = Date.now() + ttlMs;
    const body = Buffer.from(
      JSON.stringify({
        k: actor.keyId,
        n: actor.name,
        r: actor.role,
        e: expiresAt,
        p: purpose,
        o: actor.responder?.id,
      }),
    ).toString('base64url');
    return { ticket: `${body}.${await this.sign(body)}`, expiresAt };
  }

  private async sign(body: string): Promise<string> {
    this.ticketSecret ??= Buffer.from(
      await this.settings.getOrInit('streamTicketSecret', randomBytes(32).toString('hex')),
      'hex',
    );
    return createHmac('sha256', this.ticketSecret).update(body).digest('base64url');
  }
}
