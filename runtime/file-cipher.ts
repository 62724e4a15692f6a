import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * At-rest encryption of stored files (evidence, enrolment photos): AES-256-GCM with keys from the
 * environment, `WATCHPOST_EVIDENCE_KEYS="id1:base64,id2:base64"` (32 bytes each). The first key
 * writes; every listed key reads, so a rotation puts the new key first and keeps the old ones until
 * `watchpost evidence rekey` has rewritten their files.
 *
 * A sealed file: magic `WPEV`, version (1 byte), key id length (1 byte), key id, IV (12 bytes), GCM
 * tag (16 bytes), ciphertext. The header up to the IV is authenticated with the data, so a changed
 * key id, IV or byte of ciphertext fails like a changed tag.
 */
export const EVIDENCE_KEYS_ENV = 'WATCHPOST_EVIDENCE_KEYS';

const MAGIC = Buffer.from('WPEV');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A stored file sealed with a key this process does not hold, or a key list that cannot be used. */
export class EvidenceKeyError extends Error {
  override name = 'EvidenceKeyError';
}

export interface Keyring {
  /** The key new files are sealed with. */
  writeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** The key list, refused whole (naming the variable and the entry, never key bytes) when any entry is unusable. */
export function parseKeyring(value: string | undefined): Keyring | null {
  if (!value?.trim()) return null;
  const keys = new Map<string, Buffer>();
  for (const [i, entry] of value.split(',').entries()) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at).trim();
    const where = `${EVIDENCE_KEYS_ENV} entry ${i + 1}`;
    if (at < 0 || !KEY_ID.test(id))
      throw new EvidenceKeyError(`${where}: expected id:base64 with an id of letters, digits, '.', '_' or '-'`);
    const b64 = entry.slice(at + 1).trim();
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, ''))
      throw new EvidenceKeyError(`${where} (${id}): the key must be 32 bytes in base64 (openssl rand -base64 32)`);
    if (keys.has(id)) throw new EvidenceKeyError(`${where}: key id '${id}' is listed twice`);
    keys.set(id, key);
  }
  return { writeKeyId: [...keys.keys()][0]!, keys };
}

export const keyringFromEnv = (env: NodeJS.ProcessEnv = process.env) => parseKeyring(env[EVIDENCE_KEYS_ENV]);

export const isSealed = (data: Buffer) => data.length >= MAGIC.length && data.subarray(0, MAGIC.length).equals(MAGIC);

/** The key id a sealed file names (null: not sealed, or a header too short to name one). */
export function sealedKeyId(data: Buffer): string | null {
  if (!isSealed(data) || data.length < MAGIC.length + 2) return null;
  const len = data[MAGIC.length + 1]!;
  return data.length < MAGIC.length + 2 + len
    ? null
    : data.subarray(MAGIC.length + 2, MAGIC.length + 2 + len).toString();
}

export function seal(ring: Keyring, plaintext: Buffer): Buffer {
  const id = Buffer.from(ring.writeKeyId);
  const iv = randomBytes(IV_BYTES);
  const head = Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id, iv]);
  const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.writeKeyId)!, iv);
  cipher.setAAD(head);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, cipher.getAuthTag(), body]);
}

/**
 * The plaintext of a sealed file; null when it fails authentication (changed on disk). Throws
 * EvidenceKeyError when the file names a key this process does not hold.
 */
export function unseal(ring: Keyring | null, data: Buffer): Buffer | null {
  const id = sealedKeyId(data);
  if (id === null || data[MAGIC.length] !== VERSION) return null;
  const key = ring?.keys.get(id);
  if (!key)
    throw new EvidenceKeyError(
      `a stored file is encrypted with key '${id}', which ${EVIDENCE_KEYS_ENV} does not hold` +
        (ring ? ' (keep old keys listed after a rotation until `watchpost evidence rekey` has run)' : ' (it is unset)'),
    );
  const headLen = MAGIC.length + 2 + Buffer.byteLength(id) + IV_BYTES;
  if (data.length < headLen + TAG_BYTES) return null;
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(headLen - IV_BYTES, headLen));
  decipher.setAAD(data.subarray(0, headLen));
  decipher.setAuthTag(data.subarray(headLen, headLen + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(data.subarray(headLen + TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}
