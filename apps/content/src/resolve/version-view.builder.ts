import type { Digest } from '@app/oci';
import type { BlobRef, IndexChild, ManifestView, VersionView } from './content-views';

export interface ManifestRow {
  id: string;
  digest: Digest;
  media_type: string;
  is_index: boolean;
  raw: Buffer;
  annotations: Record<string, string> | null;
  config_digest: Digest | null;
}

export interface IndexEntryRow {
  index_id: string;
  child_id: string;
  architecture: string | null;
  os: string | null;
  variant: string | null;
  os_version: string | null;
}

export interface BlobRow {
  id: string;
  digest: Digest;
  size: string | number;
  media_type: string | null;
}

export interface LayerRow {
  manifest_id: string;
  blob_id: string;
  digest: Digest;
  size: string | number;
  media_type: string;
  title: string | null;
}

/** What one version's queries answer, as PostgreSQL answers it (bigint sizes arrive as strings). */
export interface VersionRows {
  /** The version's manifests, then the children of its indexes that the version does not hold itself. */
  manifests: ManifestRow[];
  tags: { name: string; manifest_id: string }[];
  /** Blob content of the version. */
  blobs: BlobRow[];
  /** Entries of the indexes, in index order. */
  entries: IndexEntryRow[];
  /** Layers of the image manifests, in manifest order. */
  layers: LayerRow[];
  /** Blobs named as a manifest's config. */
  configs: BlobRow[];
}

function blobRef(row: BlobRow): BlobRef {
  return { blobId: row.id, digest: row.digest, size: Number(row.size), mediaType: row.media_type };
}

/** Turns a version's rows into what the content app serves from memory. Pure: no I/O, the same rows give the same view. */
export function buildVersionView(
  version: { id: string; repositoryId: string; number: number; createdAt: Date },
  rows: VersionRows,
): VersionView {
  const manifests = new Map<string, ManifestView>();
  const byId = new Map<string, ManifestView>();
  for (const row of rows.manifests) {
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
  }

  const parents = new Map<string, IndexChild[]>();
  for (const row of rows.entries) {
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
  for (const row of [...rows.blobs, ...rows.configs]) blobs.set(row.digest, blobRef(row));
  for (const row of rows.layers) {
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
  for (const row of rows.tags) {
    const manifest = byId.get(row.manifest_id);
    if (manifest) tags.set(row.name, manifest);
  }
  return { ...version, tags, tagNames: [...tags.keys()].sort(), manifests, manifestsById: byId, blobs, parents };
}

/** The manifests whose layers the view needs (images, not indexes) and the config digests it must resolve. */
export function layerQueries(manifests: readonly ManifestRow[]): { imageIds: string[]; configDigests: Digest[] } {
  return {
    imageIds: manifests.filter((row) => !row.is_index).map((row) => row.id),
    configDigests: [...new Set(manifests.map((row) => row.config_digest).filter((d): d is Digest => d !== null))],
  };
}
