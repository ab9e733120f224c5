import type { ExportedVerdict } from '@app/transfer';
import type { EntityManager } from 'typeorm';

const CHUNK = 1000;

/**
 * Records the exporting site's signature verdicts on the imported manifests, in the import's transaction. A
 * verdict replaces one recorded here only when it was checked later, so importing an older export (or the same
 * one twice) never overwrites what this site's own syncs or a newer import found. Returns how many it wrote.
 */
export async function recordImportedVerdicts(manager: EntityManager, verdicts: ExportedVerdict[]): Promise<number> {
  let written = 0;
  for (let start = 0; start < verdicts.length; start += CHUNK) {
    const rows: unknown[] = await manager.query(
      `INSERT INTO manifest_signatures (manifest_id, state, kind, key_fingerprint, reason, checked_at)
       SELECT m.id, v.state, v.kind, v.key_fingerprint, v.reason, v.checked_at
         FROM jsonb_to_recordset($1::jsonb)
           AS v(digest text, state text, kind text, key_fingerprint text, reason text, checked_at timestamptz)
         JOIN manifests m ON m.digest = v.digest
       ON CONFLICT (manifest_id) DO UPDATE SET state = EXCLUDED.state, kind = EXCLUDED.kind,
         key_fingerprint = EXCLUDED.key_fingerprint, reason = EXCLUDED.reason, checked_at = EXCLUDED.checked_at
         WHERE manifest_signatures.checked_at < EXCLUDED.checked_at
       RETURNING manifest_id`,
      [JSON.stringify(verdicts.slice(start, start + CHUNK))],
    );
    written += rows.length;
  }
  return written;
}
