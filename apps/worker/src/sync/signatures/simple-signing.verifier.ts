import type { TrustedKey } from '@app/security';
import { readMessage, verify, type PublicKey } from 'openpgp';
import { boundedGet } from './bounded-fetch';
import { CLAIM_TYPES, checkClaim } from './signature-claim';
import { invalid, SIGNATURE_LIMITS, type SignatureVerdict, unsigned, verified } from './signature.types';

export interface SimpleSigningSource {
  /** Base URL of the lookaside store (no trailing slash). */
  lookasideUrl: string;
  upstreamName: string;
  keys: TrustedKey[];
  signal: AbortSignal;
  /** Per lookaside request; the remote's total_timeout when set, else SIGNATURE_LIMITS.lookasideTimeoutMs. */
  timeoutMs: number;
  /** Given the signature that verified, so the sync can keep it and the content app serve it on. */
  onVerifiedSignature?: (bytes: Buffer) => void;
}

/**
 * Containers' simple signing from a lookaside store: `<url>/<repo>@sha256=<hex>/signature-1`, `-2`, … until a
 * 404. The first signature that verifies under a trusted OpenPGP key and names this digest and repository wins;
 * otherwise the verdict carries the reason of the last signature read.
 */
export async function verifySimpleSigning(digest: string, source: SimpleSigningSource): Promise<SignatureVerdict> {
  const keys = source.keys.filter((key) => key.kind === 'openpgp').map((key) => key.key as PublicKey);
  const base = `${source.lookasideUrl}/${source.upstreamName}@${digest.replace(':', '=')}`;
  let failure: SignatureVerdict | null = null;
  for (let n = 1; n <= SIGNATURE_LIMITS.maxSignatures; n++) {
    const answer = await boundedGet(`${base}/signature-${n}`, {
      maxBytes: SIGNATURE_LIMITS.maxSignatureBytes,
      timeoutMs: source.timeoutMs,
      signal: source.signal,
    });
    if (answer.status === 404) break;
    if (answer.status === 'error') {
      failure ??= unsigned(`lookaside store: ${answer.reason}`);
      break;
    }
    const outcome = await checkOne(answer.body, digest, source.upstreamName, keys);
    if (outcome.state === 'verified') {
      source.onVerifiedSignature?.(answer.body);
      return outcome;
    }
    failure = outcome;
  }
  return failure ?? unsigned('no simple-signing signature in the lookaside store');
}

async function checkOne(bytes: Buffer, digest: string, repository: string, keys: PublicKey[]) {
  if (keys.length === 0) return invalid('simple-signing signature found, but the remote lists no OpenPGP key');
  let message;
  try {
    message = await readMessage({ binaryMessage: bytes });
  } catch (error) {
    return invalid(`simple-signing signature is not an OpenPGP message: ${(error as Error).message}`);
  }
  const signers = message.getSigningKeyIDs().map((id) => id.toHex().toUpperCase());
  const signer = keys.find((key) => message.getSigningKeyIDs().some((id) => key.getKeys(id).length > 0));
  if (!signer)
    return invalid(
      `simple-signing signature by key ${signers.join(', ') || '(none)'}, which is not one of the remote's signature_keys`,
    );
  try {
    const result = await verify({ message, verificationKeys: [signer], expectSigned: true, format: 'binary' });
    const payload = result.data as Uint8Array;
    const reason = checkClaim(payload, { type: CLAIM_TYPES.simpleSigning, digest, repository });
    if (reason) return invalid(`simple signing: ${reason}`);
    return verified('simple-signing', signer.getFingerprint().toUpperCase());
  } catch (error) {
    return invalid(`simple-signing signature does not verify: ${(error as Error).message}`);
  }
}
