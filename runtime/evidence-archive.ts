import { createHash } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import {
  type ArchiveCheck,
  checkArchive,
  failedCheck,
  EXPORT_FORMAT,
  type EvidenceManifest,
  MANIFEST_FILE,
  SIGNATURE_FILE,
} from '../pipeline/evidence-manifest.js';
import { type SigningKey, verifyEd25519 } from './signing-key.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface ArchiveFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * A sealed evidence archive: a ZIP holding the files, `manifest.json` listing each with its sha256,
 * and `manifest.sig`, the Ed25519 signature of the manifest's bytes (base64). ZIP (fflate) because
 * anyone can open it; stored, not compressed, since clips and JPEGs do not compress and the
 * archive's files stay byte for byte what the manifest hashes.
 */
export function sealArchive(
  files: ArchiveFile[],
  meta: Pick<EvidenceManifest, 'alertId' | 'exportedBy' | 'variant'>,
  key: SigningKey,
  now: Date = new Date(),
): Buffer {
  const manifest: EvidenceManifest = {
    format: EXPORT_FORMAT,
    ...meta,
    exportedAt: now.toISOString(),
    files: files.map((f) => ({ path: f.path, sha256: sha256(f.bytes), bytes: f.bytes.length })),
    publicKey: key.publicKeyPem,
    keyId: key.keyId,
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const f of files) entries[f.path] = [f.bytes, { level: 0 }];
  entries[MANIFEST_FILE] = [manifestBytes, { level: 0 }];
  entries[SIGNATURE_FILE] = [Buffer.from(`${key.sign(manifestBytes).toString('base64')}\n`), { level: 0 }];
  return Buffer.from(zipSync(entries));
}

/** The files of an archive by path; throws when it is not a ZIP. */
export function readArchive(zip: Uint8Array): Map<string, Uint8Array> {
  return new Map<string, Uint8Array>(Object.entries(unzipSync(zip)).filter(([path]) => !path.endsWith('/')));
}

/** Opens and checks a sealed archive (manifest, signature, every file's hash). */
export function verifyArchive(zip: Uint8Array, trustedPublicKey?: string): ArchiveCheck {
  let files: Map<string, Uint8Array>;
  try {
    files = readArchive(zip);
  } catch (err) {
    return failedCheck(`not a readable ZIP archive: ${(err as Error).message}`);
  }
  return checkArchive(files, { hash: sha256, verifySignature: verifyEd25519, trustedPublicKey });
}
