import { createHash } from 'node:crypto';

/**
 * The audit trail's tamper evidence: every entry carries the hash of the one before it and a hash
 * over its own fields and that link, so changing, deleting or reordering a stored entry breaks
 * the chain where it happened. One contract for the writer, the migration that hashed the entries
 * written before the chain, the purge and `watchpost audit verify`.
 */

/** The link of the first entry ever written (no entry before it). */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry is hashed over, in this order; `id` included, so moving an entry is found too. */
export interface ChainedFields {
  id: number;
  at: number;
  actorKeyId: string | null;
  actorName: string;
  role: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: string | null;
  ip: string | null;
}

export interface ChainedEntry extends ChainedFields {
  prevHash: string | null;
  hash: string | null;
}

/** Where the stored chain starts and ends: the last purged entry (or genesis) and the newest entry. */
export interface ChainEnds {
  /** The last entry a purge removed (its id and hash); null: nothing purged, the chain starts at genesis. */
  anchorId: number | null;
  anchorHash: string | null;
  /** The newest entry written (null id: none yet; its hash is then the anchor's or genesis). */
  headId: number | null;
  headHash: string;
}

/** sha256 (hex) over a canonical serialisation: a versioned JSON array of the fields in a fixed order and the link. */
export function entryHash(e: ChainedFields, prevHash: string): string {
  const canonical = JSON.stringify([
    'watchpost-audit/1',
    e.id,
    e.at,
    e.actorKeyId,
    e.actorName,
    e.role,
    e.action,
    e.targetType,
    e.targetId,
    e.detail,
    e.ip,
    prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The first broken link: the entry where the stored chain stops agreeing with itself, and what is wrong. */
export interface ChainBreak {
  /** The entry at which the chain breaks; null when entries are missing after the last one stored. */
  id: number | null;
  problem: string;
}

/**
 * Checks entries in id order, batch by batch, from the chain's start (the anchor, or genesis) to its
 * head. Feed it every stored entry with `next`, then call `end`.
 */
export class ChainVerifier {
  private prevHash: string;
  private prevId: number | null;
  checked = 0;

  constructor(private readonly ends: ChainEnds) {
    this.prevHash = ends.anchorHash ?? GENESIS_HASH;
    this.prevId = ends.anchorId;
  }

  /** The break at this entry, or null when it follows from the one before. */
  next(e: ChainedEntry): ChainBreak | null {
    const after = this.prevId === null ? 'the start of the chain' : `entry ${this.prevId}`;
    if (this.ends.anchorId !== null && e.id <= this.ends.anchorId) {
      return {
        id: e.id,
        problem: `entry ${e.id} should have been purged (the chain starts after ${this.ends.anchorId})`,
      };
    }
    if (!e.hash || !e.prevHash) return { id: e.id, problem: 'entry has no hash: written outside the chain' };
    if (entryHash(e, e.prevHash) !== e.hash)
      return { id: e.id, problem: 'fields changed: the entry does not match its hash' };
    if (e.prevHash !== this.prevHash) {
      return {
        id: e.id,
        problem: `link broken: the entry before it is not ${after} as written (deleted, changed or moved)`,
      };
    }
    this.prevHash = e.hash;
    this.prevId = e.id;
    this.checked++;
    return null;
  }

  /** After the last entry: the newest one must be the head the writer recorded. */
  end(): ChainBreak | null {
    if (this.ends.headId === this.prevId && this.ends.headHash === this.prevHash) return null;
    if (this.ends.headId !== null && (this.prevId === null || this.prevId < this.ends.headId)) {
      const last = this.prevId === null ? 'none' : `entry ${this.prevId}`;
      return {
        id: null,
        problem: `newest entries missing: the chain's head is entry ${this.ends.headId}, the last stored is ${last}`,
      };
    }
    return {
      id: this.prevId,
      problem: `the newest entry is not the chain's head (entry ${this.ends.headId ?? 'none'} as written)`,
    };
  }
}
