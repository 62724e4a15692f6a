import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The server's Ed25519 key that seals evidence exports. */
export interface SigningKey {
  sign(data: Uint8Array): Buffer;
  publicKeyPem: string;
  /** sha256 of the public key (DER), first 16 hex digits: names the key in manifests and logs. */
  keyId: string;
}

/**
 * The signing key from `WATCHPOST_SIGNING_KEY` (a PKCS#8 PEM) or, when unset, from
 * `<dataDir>/keys/evidence-signing.pem`, made on first use (0600). A deployment with several API
 * processes sets the variable, so every export is signed with the same key.
 */
export function loadSigningKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): SigningKey {
  let privateKey: KeyObject;
  const fromEnv = env.WATCHPOST_SIGNING_KEY?.trim();
  if (fromEnv) privateKey = createPrivateKey(fromEnv.replace(/\\n/g, '\n'));
  else {
    const file = join(dataDir, 'keys', 'evidence-signing.pem');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const { privateKey: k } = generateKeyPairSync('ed25519');
      writeFileSync(file, k.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the evidence signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    sign: (data) => sign(null, data, privateKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('hex').slice(0, 16),
  };
}

/** Ed25519 check of `signature` over `data` with a PEM public key. */
export const verifyEd25519 = (data: Uint8Array, signature: Uint8Array, publicKeyPem: string) =>
  verify(null, data, createPublicKey(publicKeyPem), signature);
