import { z } from 'zod';

/**
 * The manifest of a sealed evidence export (`GET /v1/alerts/:id/export`): every other file of the
 * archive with its sha256, signed as a whole (Ed25519, `manifest.sig` beside it). One contract for
 * the exporter and for `watchpost evidence verify`.
 */
export const EXPORT_FORMAT = 'watchpost-evidence/1';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';

export const manifestSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  alertId: z.string(),
  exportedAt: z.string(),
  exportedBy: z.string(),
  /** Redacted: bystanders' faces pixelated (the default); original: as recorded, for roles allowed to see it. */
  variant: z.enum(['redacted', 'original']),
  files: z.array(z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int() })),
  /** The server's Ed25519 public key (SPKI, PEM) and its id (sha256 of the key, first 16 hex digits). */
  publicKey: z.string(),
  keyId: z.string(),
});
export type EvidenceManifest = z.infer<typeof manifestSchema>;

/** A check that found nothing valid yet; `problems` says why. */
export const failedCheck = (...problems: string[]): ArchiveCheck => ({
  ok: false,
  signatureValid: false,
  trustedKey: null,
  changed: [],
  missing: [],
  extra: [],
  problems,
});

export interface ArchiveCheck {
  ok: boolean;
  signatureValid: boolean;
  /** The key the archive was signed with is the one the checker trusts (null: no trusted key given). */
  trustedKey: boolean | null;
  changed: string[];
  missing: string[];
  /** Files in the archive that the manifest does not list. */
  extra: string[];
  problems: string[];
}

/**
 * Checks an archive's files against its manifest. `hash` and `verifySignature` are passed in
 * (node:crypto in practice) so this stays free of I/O.
 */
export function checkArchive(
  files: ReadonlyMap<string, Uint8Array>,
  deps: {
    hash: (bytes: Uint8Array) => string;
    verifySignature: (data: Uint8Array, signature: Uint8Array, publicKeyPem: string) => boolean;
    /** PEM of the key the checker trusts; absent: the key inside the archive is reported, not trusted. */
    trustedPublicKey?: string;
  },
): ArchiveCheck {
  const out = failedCheck();
  const raw = files.get(MANIFEST_FILE);
  const sig = files.get(SIGNATURE_FILE);
  if (!raw) return { ...out, problems: [`no ${MANIFEST_FILE} in the archive`] };
  if (!sig) return { ...out, problems: [`no ${SIGNATURE_FILE} in the archive`] };
  let manifest: EvidenceManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(new TextDecoder().decode(raw)));
  } catch (err) {
    return { ...out, problems: [`${MANIFEST_FILE} is not a valid manifest: ${(err as Error).message}`] };
  }
  const key = deps.trustedPublicKey ?? manifest.publicKey;
  try {
    out.signatureValid = deps.verifySignature(raw, Buffer.from(new TextDecoder().decode(sig).trim(), 'base64'), key);
  } catch (err) {
    out.problems.push(`signature could not be checked: ${(err as Error).message}`);
  }
  if (!out.signatureValid) out.problems.push('the manifest signature does not verify');
  if (deps.trustedPublicKey !== undefined) {
    out.trustedKey = normalisePem(deps.trustedPublicKey) === normalisePem(manifest.publicKey);
    if (!out.trustedKey) out.problems.push('the archive names a different signing key than the trusted one');
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const bytes = files.get(f.path);
    if (!bytes) out.missing.push(f.path);
    else if (bytes.length !== f.bytes || deps.hash(bytes) !== f.sha256) out.changed.push(f.path);
  }
  for (const path of files.keys())
    if (path !== MANIFEST_FILE && path !== SIGNATURE_FILE && !listed.has(path)) out.extra.push(path);
  if (out.changed.length) out.problems.push(`changed: ${out.changed.join(', ')}`);
  if (out.missing.length) out.problems.push(`missing: ${out.missing.join(', ')}`);
  if (out.extra.length) out.problems.push(`not in the manifest: ${out.extra.join(', ')}`);
  out.ok = out.problems.length === 0;
  return out;
}

const normalisePem = (pem: string) => pem.replace(/\s+/g, '');
