import type { SignatureKind, SignatureState } from '@app/domain';

/** One manifest's signature verdict, as recorded in `manifest_signatures` and shown in the API. */
export interface SignatureVerdict {
  state: SignatureState;
  kind: SignatureKind | null;
  keyFingerprint: string | null;
  /** Why it is not verified (null when verified). */
  reason: string | null;
}

export const verified = (kind: SignatureKind, keyFingerprint: string | null): SignatureVerdict => ({
  state: 'verified',
  kind,
  keyFingerprint,
  reason: null,
});

export const unsigned = (reason: string): SignatureVerdict => ({
  state: 'unsigned',
  kind: null,
  keyFingerprint: null,
  reason,
});

export const invalid = (reason: string): SignatureVerdict => ({
  state: 'invalid',
  kind: null,
  keyFingerprint: null,
  reason,
});

/** Limits on what a signature source may make us read: signatures are small, anything big is an attack. */
export const SIGNATURE_LIMITS = {
  /** One simple-signing signature or one cosign payload. */
  maxSignatureBytes: 64 * 1024,
  /** The `.sig` manifest. */
  maxSignatureManifestBytes: 256 * 1024,
  /** Signatures tried per manifest and source. */
  maxSignatures: 8,
  /** One lookaside request, headers and body. */
  lookasideTimeoutMs: 10_000,
} as const;
