import { type BlobState, inVersion } from '@app/domain';
import type { Digest } from '@app/oci';
import type { ExportedVerdict } from '@app/transfer';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What one repository version holds, by digest: what an export lists and, minus a start version, carries. */
export interface VersionUnits {
  tags: Map<string, Digest>;
  manifests: Map<Digest, { mediaType: string; size: number }>;
  blobs: Map<Digest, { size: number; state: BlobState }>;
}

const PRESENT = `rc.repository_id = $1 AND ${inVersion('$2')}`;

/** The export's reads: a version's units by digest (three indexed queries), then manifest bytes in batches. */
@Injectable()
export class ExportContentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async unitsOf(repositoryId: string, number: number): Promise<VersionUnits> {
    const params = [repositoryId, number];
    const tags: { name: string; digest: Digest }[] = await this.dataSource.query(
      `SELECT t.name, m.digest FROM repository_content rc JOIN tags t ON t.id = rc.content_id
         JOIN manifests m ON m.id = t.manifest_id WHERE ${PRESENT} ORDER BY t.name`,
      params,
    );
    const manifests: { digest: Digest; media_type: string; size: number }[] = await this.dataSource.query(
      `SELECT m.digest, m.media_type, octet_length(m.raw) AS size FROM repository_content rc
         JOIN manifests m ON m.id = rc.content_id WHERE ${PRESENT} ORDER BY m.digest`,
      params,
    );
    const blobs: { digest: Digest; size: string; state: BlobState }[] = await this.dataSource.query(
      `SELECT b.digest, b.size, b.state FROM repository_content rc
         JOIN blobs b ON b.id = rc.content_id WHERE ${PRESENT} ORDER BY b.digest`,
      params,
    );
    return {
      tags: new Map(tags.map((t) => [t.name, t.digest])),
      manifests: new Map(manifests.map((m) => [m.digest, { mediaType: m.media_type, size: Number(m.size) }])),
      blobs: new Map(blobs.map((b) => [b.digest, { size: Number(b.size), state: b.state }])),
    };
  }

  async manifestBytes(digests: readonly Digest[]): Promise<Map<Digest, Buffer>> {
    const found = new Map<Digest, Buffer>();
    for (let i = 0; i < digests.length; i += 1000) {
      const rows: { digest: Digest; raw: Buffer }[] = await this.dataSource.query(
        'SELECT digest, raw FROM manifests WHERE digest = ANY($1::text[])',
        [digests.slice(i, i + 1000)],
      );
      for (const row of rows) found.set(row.digest, row.raw);
    }
    return found;
  }

  /** The signature verdicts recorded for these manifests (those never checked have none). */
  async verdictsOf(digests: readonly Digest[]): Promise<ExportedVerdict[]> {
    const found: ExportedVerdict[] = [];
    for (let i = 0; i < digests.length; i += 1000) {
      const rows: (Omit<ExportedVerdict, 'checked_at'> & { checked_at: Date })[] = await this.dataSource.query(
        `SELECT m.digest, s.state, s.kind, s.key_fingerprint, s.reason, s.checked_at FROM manifest_signatures s
           JOIN manifests m ON m.id = s.manifest_id WHERE m.digest = ANY($1::text[]) ORDER BY m.digest`,
        [digests.slice(i, i + 1000)],
      );
      for (const row of rows) found.push({ ...row, checked_at: row.checked_at.toISOString() });
    }
    return found;
  }
}
