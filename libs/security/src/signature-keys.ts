import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readKey, type PublicKey } from 'openpgp';

/**
 * The keys a remote trusts for signatures: PEM public keys (cosign/sigstore key pairs, ECDSA or RSA) and
 * ASCII-armored OpenPGP public keys (containers' simple signing). Parsed once per sync, and once at write time
 * so a malformed key is refused with its position instead of failing every later sync.
 */
export type TrustedKey =
  { kind: 'pem'; fingerprint: string; key: KeyObject } | { kind: 'openpgp'; fingerprint: string; key: PublicKey };

export class SignatureKeyError extends Error {}

const MAX_KEY_LENGTH = 65536;

export async function parseTrustedKey(text: string): Promise<TrustedKey> {
  if (text.length > MAX_KEY_LENGTH) throw new SignatureKeyError(`longer than ${MAX_KEY_LENGTH} characters`);
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    let key: PublicKey;
    try {
      const read = await readKey({ armoredKey: text });
      if (read.isPrivate()) throw new SignatureKeyError('is an OpenPGP private key; give the public key');
      key = read as PublicKey;
    } catch (error) {
      if (error instanceof SignatureKeyError) throw error;
      throw new SignatureKeyError(`is not a readable OpenPGP public key: ${(error as Error).message}`);
    }
    return { kind: 'openpgp', fingerprint: key.getFingerprint().toUpperCase(), key };
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))
    throw new SignatureKeyError('is a private key; give the public key');
  if (!text.includes('-----BEGIN PUBLIC KEY-----'))
    throw new SignatureKeyError(
      'must be a PEM public key (-----BEGIN PUBLIC KEY-----) or an ASCII-armored OpenPGP public key',
    );
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (error) {
    throw new SignatureKeyError(`is not a readable PEM public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'rsa')
    throw new SignatureKeyError(`is a ${key.asymmetricKeyType} key; cosign key pairs are ECDSA or RSA`);
  return { kind: 'pem', fingerprint: pemFingerprint(key), key };
}

/** `sha256:<hex>` of the DER SubjectPublicKeyInfo, the way a PEM key is usually identified. */
export function pemFingerprint(key: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/** Parses every key, collecting the position and reason of each malformed one (for a 400 naming them). */
export async function parseTrustedKeys(texts: readonly string[]): Promise<{ keys: TrustedKey[]; errors: string[] }> {
  const keys: TrustedKey[] = [];
  const errors: string[] = [];
  for (const [index, text] of texts.entries()) {
    try {
      keys.push(await parseTrustedKey(text));
    } catch (error) {
      if (!(error instanceof SignatureKeyError)) throw error;
      errors.push(`signature_keys[${index}] ${error.message}`);
    }
  }
  return { keys, errors };
}
