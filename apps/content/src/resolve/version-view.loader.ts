import type { Digest } from '@app/oci';
import type { DataSource } from 'typeorm';
import type { BlobRef, IndexChild, ManifestView, VersionView } from './content-views';

interface ManifestRow {
  id: string;
  digest: Digest;
  media_type: string;
  is_index: boolean;
  raw: Buffer;
  annotations: Record<string, string> | null;
  config_digest: Digest | null;
}

const MANIFEST_COLUMNS = 'm.id, m.digest, m.media_type, m.is_index, m.raw, m.annotations, m.config_digest';
const IN_VERSION = `rc.repository_id = $1 AND rc.version_added <= $2 AND (rc.version_removed IS NULL OR rc.version_removed > $2)`;

/**
 * Loads one version in a fixed number of queries (never one per tag or file). Versions are immutable, so
 * the result is cached by version id and only dropped when no distribution serves it any more.
 */
export async function loadVersionView(
  dataSource: DataSource,
  version: { id: string; repositoryId: string; number: number; createdAt: Date },
): Promise<VersionView> {
  const params = [version.repositoryId, version.number];
  const [manifestRows, tagRows, blobRows] = await Promise.all([
    dataSource.query<ManifestRow[]>(
      `SELECT ${MANIFEST_COLUMNS} FROM repository_content rc JOIN manifests m ON m.id = rc.content_id WHERE ${IN_VERSION}`,
      params,
    ),
    dataSource.query<{ name: string; manifest_id: string }[]>(
      `SELECT t.name, t.manifest_id FROM repository_content rc JOIN tags t ON t.id = rc.content_id WHERE ${IN_VERSION}`,
      params,
    ),
    dataSource.query<{ id: string; digest: Digest; size: string; media_type: string | null }[]>(
      `SELECT b.id, b.digest, b.size, b.media_type FROM repository_content rc JOIN blobs b ON b.id = rc.content_id
        WHERE ${IN_VERSION}`,
      params,
    ),
  ]);
  const manifests = new Map<string, ManifestView>();
  const byId = new Map<string, ManifestView>();
  const add = (row: ManifestRow) => {
    const view: ManifestView = {
      id: row.id,
      digest: row.digest,
      mediaType: row.media_type,
      isIndex: row.is_index,
      raw: row.raw,
      annotations: row.annotations ?? {},
      configDigest: row.config_digest,
      files: new Map(),
      children: [],
    };
    manifests.set(view.digest, view);
    byId.set(view.id, view);
  };
  manifestRows.forEach(add);

  const indexIds = manifestRows.filter((row) => row.is_index).map((row) => row.id);
  const entryRows = indexIds.length
    ? await dataSource.query<
        {
          index_id: string;
          child_id: string;
          architecture: string | null;
          os: string | null;
          variant: string | null;
          os_version: string | null;
        }[]
      >(
        `SELECT index_id, child_id, architecture, os, variant, os_version FROM index_entries
          WHERE index_id = ANY($1::uuid[]) ORDER BY index_id, position`,
        [indexIds],
      )
    : [];
  // A sync adds an index's children to the version too; load any that are not, so the index stays whole.
  const missing = [...new Set(entryRows.map((row) => row.child_id).filter((id) => !byId.has(id)))];
  if (missing.length) {
    (
      await dataSource.query<ManifestRow[]>(
        `SELECT ${MANIFEST_COLUMNS} FROM manifests m WHERE m.id = ANY($1::uuid[])`,
        [missing],
      )
    ).forEach(add);
  }
  const parents = new Map<string, IndexChild[]>();
  for (const row of entryRows) {
    const child: IndexChild = {
      manifestId: row.child_id,
      architecture: row.architecture,
      os: row.os,
      variant: row.variant,
      osVersion: row.os_version,
    };
    byId.get(row.index_id)?.children.push(child);
    parents.set(row.child_id, [...(parents.get(row.child_id) ?? []), child]);
  }

  const blobs = new Map<string, BlobRef>();
  for (const row of blobRows) {
    blobs.set(row.digest, { blobId: row.id, digest: row.digest, size: Number(row.size), mediaType: row.media_type });
  }
  const imageIds = [...byId.values()].filter((m) => !m.isIndex).map((m) => m.id);
  const configDigests = [...new Set([...byId.values()].map((m) => m.configDigest).filter((d) => d !== null))];
  const [layerRows, configRows] = await Promise.all([
    imageIds.length
      ? dataSource.query<
          {
            manifest_id: string;
            blob_id: string;
            digest: Digest;
            size: string;
            media_type: string;
            title: string | null;
          }[]
        >(
          `SELECT manifest_id, blob_id, digest, size, media_type, title FROM manifest_layers
            WHERE manifest_id = ANY($1::uuid[]) ORDER BY manifest_id, position`,
          [imageIds],
        )
      : [],
    configDigests.length
      ? dataSource.query<{ id: string; digest: Digest; size: string; media_type: string | null }[]>(
          `SELECT id, digest, size, media_type FROM blobs WHERE digest = ANY($1::text[])`,
          [configDigests],
        )
      : [],
  ]);
  for (const row of configRows) {
    blobs.set(row.digest, { blobId: row.id, digest: row.digest, size: Number(row.size), mediaType: row.media_type });
  }
  for (const row of layerRows) {
    const blob: BlobRef = {
      blobId: row.blob_id,
      digest: row.digest,
      size: Number(row.size),
      mediaType: row.media_type,
    };
    blobs.set(row.digest, blob);
    if (row.title !== null) byId.get(row.manifest_id)?.files.set(row.title, { ...blob, title: row.title });
  }

  const tags = new Map<string, ManifestView>();
  for (const row of tagRows) {
    const manifest = byId.get(row.manifest_id);
    if (manifest) tags.set(row.name, manifest);
  }
  return {
    ...version,
    tags,
    tagNames: [...tags.keys()].sort(),
    manifests,
    manifestsById: byId,
    blobs,
    parents,
  };
}
