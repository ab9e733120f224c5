import type { RemoteEntity } from '@app/domain';
import type { Digest } from '@app/oci';
import { SIGNATURE_REPORT_PREFIX, SYNC_PROGRESS } from '@app/queue';
import { parseTrustedKeys } from '@app/security';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TaskContext } from '../../tasks/task-context';
import { mapLimit } from '../map-limit';
import type { UpstreamSnapshot } from '../sync.types';
import { type CosignClient, type SignatureArtifact, verifyCosign } from './cosign.verifier';
import { attachSignatureArtifacts, withoutSignatureTags } from './signature-artifacts';
import { composeVerdicts, keepTags } from './signature-composition';
import { SIGNATURE_LIMITS, type SignatureVerdict, unsigned } from './signature.types';
import { verifySimpleSigning } from './simple-signing.verifier';

const CONCURRENCY = 8;
// Listing every unverified tag of a 50,000-tag repository would bury the task; the count is always given.
const MAX_LISTED = 100;
const CHUNK = 1000;

export interface SignatureOutcome {
  snapshot: UpstreamSnapshot;
  verdicts: Map<Digest, SignatureVerdict>;
  /** The simple signature that verified each manifest, recorded with its verdict for the lookaside endpoint. */
  simpleSignatures: Map<Digest, Buffer>;
}

/**
 * The sync's signature step, between the scan and the downloads: verifies every scanned manifest under the
 * remote's policy, drops what `require` refuses (before anything is downloaded), and records the verdicts in the
 * version's transaction. A signature problem is a per-manifest verdict with a reason, never a failed sync.
 */
@Injectable()
export class SignatureCheckService {
  async check(
    scanned: UpstreamSnapshot,
    remote: RemoteEntity,
    client: CosignClient,
    context: TaskContext<'sync'>,
  ): Promise<SignatureOutcome | null> {
    if (remote.signaturePolicy === 'none') return null;
    const snapshot = withoutSignatureTags(scanned);
    const { keys, errors } = await parseTrustedKeys(remote.signatureKeys);
    if (errors.length) context.logger.warn({ errors }, 'some signature_keys of the remote are not readable; ignored');
    const digests = [...snapshot.manifests.keys()];
    context.progress(SYNC_PROGRESS.signatures, { message: 'Verifying signatures', total: digests.length, done: 0 });
    const signal = context.signal;
    const own = new Map<Digest, SignatureVerdict>();
    const artifacts = new Map<Digest, SignatureArtifact>();
    const simpleSignatures = new Map<Digest, Buffer>();
    await mapLimit(digests, CONCURRENCY, async (digest) => {
      const cosign = await verifyCosign(digest, {
        client,
        upstreamName: remote.upstreamName,
        keys,
        signal,
        onVerifiedArtifact: (artifact) => artifacts.set(digest, artifact),
      });
      let verdict = cosign;
      if (cosign.state !== 'verified' && remote.sigstoreLookasideUrl) {
        const simple = await verifySimpleSigning(digest, {
          lookasideUrl: remote.sigstoreLookasideUrl,
          upstreamName: remote.upstreamName,
          keys,
          signal,
          timeoutMs: remote.totalTimeout ? remote.totalTimeout * 1000 : SIGNATURE_LIMITS.lookasideTimeoutMs,
          onVerifiedSignature: (bytes) => simpleSignatures.set(digest, bytes),
        });
        verdict = pick(cosign, simple);
      }
      own.set(digest, verdict);
      context.advance(SYNC_PROGRESS.signatures);
    });
    const verdicts = composeVerdicts(snapshot, own);
    const refused = [...snapshot.tags].filter(([, digest]) => verdicts.get(digest)?.state !== 'verified');
    const prefix =
      remote.signaturePolicy === 'require' ? SIGNATURE_REPORT_PREFIX.skipped : SIGNATURE_REPORT_PREFIX.unverified;
    const verb = remote.signaturePolicy === 'require' ? 'skipped' : 'synced unverified';
    for (const [tag, digest] of refused.slice(0, MAX_LISTED)) {
      const verdict = verdicts.get(digest)!;
      context.progress(`${prefix}:${tag}`, {
        message: `tag ${tag} (${digest}) ${verb}: ${verdict.state}: ${verdict.reason}`,
        state: 'completed',
        total: 1,
        done: 1,
      });
    }
    const verifiedCount = snapshot.tags.size - refused.length;
    context.progress(SYNC_PROGRESS.signatures, {
      message: `Verifying signatures: ${verifiedCount} of ${snapshot.tags.size} tags verified, ${refused.length} ${verb}`,
      state: 'completed',
    });
    if (refused.length)
      context.logger.info({ count: refused.length, policy: remote.signaturePolicy }, 'tags not verified');
    const refusedTags = new Set(remote.signaturePolicy === 'require' ? refused.map(([tag]) => tag) : []);
    const kept = keepTags(snapshot, new Set([...snapshot.tags.keys()].filter((tag) => !refusedTags.has(tag))));
    // The signatures go with what they sign: kept, exported and served by /v2/ like the content.
    return { snapshot: attachSignatureArtifacts(kept, artifacts), verdicts, simpleSignatures };
  }

  /** Upserts the verdicts of the manifests the version holds; runs in the version's transaction. */
  async record(manager: EntityManager, outcome: SignatureOutcome): Promise<void> {
    const entries = [...outcome.verdicts].filter(([digest]) => outcome.snapshot.manifests.has(digest));
    for (let start = 0; start < entries.length; start += CHUNK) {
      const chunk = entries.slice(start, start + CHUNK);
      await manager.query(
        `INSERT INTO manifest_signatures
                (manifest_id, state, kind, key_fingerprint, reason, simple_signatures, checked_at)
         SELECT m.id, v.state, v.kind, v.key_fingerprint, v.reason,
                ARRAY(SELECT decode(s, 'base64') FROM jsonb_array_elements_text(v.simple) AS s), now()
           FROM jsonb_to_recordset($1::jsonb)
                AS v(digest text, state text, kind text, key_fingerprint text, reason text, simple jsonb)
           JOIN manifests m ON m.digest = v.digest
         ON CONFLICT (manifest_id) DO UPDATE SET state = EXCLUDED.state, kind = EXCLUDED.kind,
           key_fingerprint = EXCLUDED.key_fingerprint, reason = EXCLUDED.reason,
           -- A signature kept earlier stays: it is served for clients to judge, and another remote without
           -- the lookaside store must not take it from the repositories that mirrored it.
           simple_signatures = CASE WHEN cardinality(EXCLUDED.simple_signatures) > 0
             THEN EXCLUDED.simple_signatures ELSE manifest_signatures.simple_signatures END,
           checked_at = EXCLUDED.checked_at`,
        [
          JSON.stringify(
            chunk.map(([digest, v]) => ({
              digest,
              state: v.state,
              kind: v.kind,
              key_fingerprint: v.keyFingerprint,
              reason: v.reason,
              simple: outcome.simpleSignatures.has(digest)
                ? [outcome.simpleSignatures.get(digest)!.toString('base64')]
                : [],
            })),
          ),
        ],
      );
    }
  }
}

/** Verified wins; otherwise a signature that was found and is wrong says more than one that was not found. */
function pick(a: SignatureVerdict, b: SignatureVerdict): SignatureVerdict {
  if (b.state === 'verified') return b;
  if (a.state === 'invalid') return a;
  if (b.state === 'invalid') return b;
  return unsigned(`${a.reason}; ${b.reason}`);
}
