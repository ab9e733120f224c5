import { ManifestSignatureEntity } from '@app/domain';
import { type DataSource, In, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { SignatureFilter } from './dto/manifest-list.query';
import type { ManifestSignatureResponse } from './dto/signature.dto';

/** `signature_state` filter of the manifest list: the latest verdict, or none at all (`not_checked`). */
export function applySignatureFilter<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, filter?: SignatureFilter) {
  if (filter === undefined) return;
  if (filter === 'not_checked') {
    qb.andWhere(`NOT EXISTS (SELECT 1 FROM manifest_signatures ms WHERE ms.manifest_id = ${qb.alias}.id)`);
    return;
  }
  qb.andWhere(
    `EXISTS (SELECT 1 FROM manifest_signatures ms WHERE ms.manifest_id = ${qb.alias}.id AND ms.state = :signatureState)`,
    { signatureState: filter },
  );
}

/** Verdicts of a page of manifests, by manifest id (absent: never checked). */
export async function signaturesOf(
  dataSource: DataSource,
  ids: string[],
): Promise<Map<string, ManifestSignatureResponse>> {
  if (ids.length === 0) return new Map();
  const rows = await dataSource.getRepository(ManifestSignatureEntity).find({ where: { manifestId: In(ids) } });
  return new Map(
    rows.map((row) => [
      row.manifestId,
      {
        state: row.state,
        kind: row.kind,
        key_fingerprint: row.keyFingerprint,
        reason: row.reason,
        checked_at: row.checkedAt.toISOString(),
      },
    ]),
  );
}
