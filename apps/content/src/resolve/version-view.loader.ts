import { inVersion } from '@app/domain';
import type { Digest } from '@app/oci';
import type { DataSource } from 'typeorm';
import type { VersionView } from './content-views';
import {
  type BlobRow,
  buildVersionView,
  type IndexEntryRow,
  type LayerRow,
  layerQueries,
  type ManifestRow,
  type VersionRows,
} from './version-view.builder';

const MANIFEST_COLUMNS = 'm.id, m.digest, m.media_type, m.is_index, m.raw, m.annotations, m.config_digest';
const MEMBER = `rc.repository_id = $1 AND ${inVersion('$2')}`;

/**
 * Loads one version in a fixed number of queries (never one per tag or file). Versions are immutable, so
 * the result is cached by version id and only dropped when no distribution serves it any more.
 */
export async function loadVersionView(
  dataSource: DataSource,
  version: { id: string; repositoryId: string; number: number; createdAt: Date },
): Promise<VersionView> {
  return buildVersionView(version, await loadVersionRows(dataSource, version));
}

async function loadVersionRows(
  dataSource: DataSource,
  version: { repositoryId: string; number: number },
): Promise<VersionRows> {
  const params = [version.repositoryId, version.number];
  const [manifests, tags, blobs] = await Promise.all([
    dataSource.query<ManifestRow[]>(
      `SELECT ${MANIFEST_COLUMNS} FROM repository_content rc JOIN manifests m ON m.id = rc.content_id WHERE ${MEMBER}`,
      params,
    ),
    dataSource.query<{ name: string; manifest_id: string }[]>(
      `SELECT t.name, t.manifest_id FROM repository_content rc JOIN tags t ON t.id = rc.content_id WHERE ${MEMBER}`,
      params,
    ),
    dataSource.query<BlobRow[]>(
      `SELECT b.id, b.digest, b.size, b.media_type FROM repository_content rc JOIN blobs b ON b.id = rc.content_id
        WHERE ${MEMBER}`,
      params,
    ),
  ]);
  const indexIds = manifests.filter((row) => row.is_index).map((row) => row.id);
  const entries = indexIds.length
    ? await dataSource.query<IndexEntryRow[]>(
        `SELECT index_id, child_id, architecture, os, variant, os_version FROM index_entries
          WHERE index_id = ANY($1::uuid[]) ORDER BY index_id, position`,
        [indexIds],
      )
    : [];
  // A sync adds an index's children to the version too; load any that are not, so the index stays whole.
  const known = new Set(manifests.map((row) => row.id));
  const missing = [...new Set(entries.map((row) => row.child_id).filter((id) => !known.has(id)))];
  if (missing.length) {
    manifests.push(
      ...(await dataSource.query<ManifestRow[]>(
        `SELECT ${MANIFEST_COLUMNS} FROM manifests m WHERE m.id = ANY($1::uuid[])`,
        [missing],
      )),
    );
  }
  const { imageIds, configDigests } = layerQueries(manifests);
  const [layers, configs] = await Promise.all([
    imageIds.length
      ? dataSource.query<LayerRow[]>(
          `SELECT manifest_id, blob_id, digest, size, media_type, title FROM manifest_layers
            WHERE manifest_id = ANY($1::uuid[]) ORDER BY manifest_id, position`,
          [imageIds],
        )
      : [],
    configDigests.length
      ? dataSource.query<BlobRow[]>(`SELECT id, digest, size, media_type FROM blobs WHERE digest = ANY($1::text[])`, [
          configDigests satisfies Digest[],
        ])
      : [],
  ]);
  return { manifests, tags, blobs, entries, layers, configs };
}
