import {
  BlobEntity,
  type BlobState,
  ContentUnitsRepository,
  IndexEntryEntity,
  ManifestEntity,
  ManifestLayerEntity,
  RemoteArtifactsRepository,
  TagEntity,
} from '@app/domain';
import type { Digest } from '@app/oci';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UpstreamSnapshot } from './sync.types';

export interface SavedUnits {
  tagIds: string[];
  manifestIds: string[];
  blobIds: string[];
}

export interface SaveOptions {
  /** Digests whose verified file is in storage. */
  stored: ReadonlySet<Digest>;
  /** on_demand/streamed: where the blobs can be fetched later. */
  remoteArtifacts: { remoteId: string; upstreamName: string } | null;
}

/**
 * What a sync (or an import) reads and writes of the content tables, in terms of its upstream snapshot: the
 * snapshot's units become rows through ContentUnitsRepository, whose inserts are idempotent and safe against a
 * concurrent sync of another repository recording the same digest.
 */
@Injectable()
export class SyncContentRepository {
  constructor(
    private readonly units: ContentUnitsRepository,
    private readonly remoteArtifacts: RemoteArtifactsRepository,
  ) {}

  /** The snapshot's manifests already recorded, so the scan can skip their GETs. */
  findManifests(digests: readonly Digest[]): Promise<Map<Digest, { mediaType: string; raw: Buffer }>> {
    return this.units.manifestsByDigest(digests);
  }

  /** The state of each blob already recorded: what needs downloading. */
  blobStates(digests: readonly Digest[]): Promise<Map<Digest, BlobState>> {
    return this.units.blobStatesByDigest(digests);
  }

  /** Records every unit of the snapshot; returns the content ids the new version lists. */
  async save(manager: EntityManager, snapshot: UpstreamSnapshot, options: SaveOptions): Promise<SavedUnits> {
    const blobs = [...snapshot.blobs.values()].map((blob) => ({
      key: blob.digest,
      row: {
        digest: blob.digest,
        size: blob.size,
        mediaType: blob.mediaType,
        state: (options.stored.has(blob.digest) ? 'stored' : 'remote') as BlobState,
      },
    }));
    const blobIds = await this.units.ensureUnits(manager, 'blob', BlobEntity, blobs, (keys) =>
      this.units.blobIdsByDigest(manager, keys),
    );
    // A blob first recorded by an on_demand sync becomes stored once an immediate sync verified its file.
    await this.units.markDigestsStored(
      manager,
      [...options.stored].filter((digest) => snapshot.blobs.has(digest)),
    );
    if (options.remoteArtifacts)
      await this.remoteArtifacts.record(manager, [...blobIds.values()], options.remoteArtifacts);

    const manifests = [...snapshot.manifests.values()].map((m) => ({
      key: m.digest,
      row: {
        digest: m.digest,
        mediaType: m.mediaType,
        artifactType: m.parsed.artifactType,
        isIndex: m.parsed.kind === 'index',
        raw: m.raw,
        annotations: m.parsed.annotations,
        configDigest: m.parsed.kind === 'manifest' ? (m.parsed.config?.digest ?? null) : null,
        configMediaType: m.parsed.kind === 'manifest' ? (m.parsed.config?.mediaType ?? null) : null,
      },
    }));
    const manifestIds = await this.units.ensureUnits(manager, 'manifest', ManifestEntity, manifests, (keys) =>
      this.units.manifestIdsByDigest(manager, keys),
    );
    await this.saveStructure(manager, snapshot, manifestIds, blobIds);

    // Tag names cannot contain a space (distribution-spec), so it separates the two parts of the key.
    const tags = [...snapshot.tags].map(([name, digest]) => {
      const manifestId = manifestIds.get(digest)!;
      return { key: `${name} ${manifestId}`, row: { name, manifestId } };
    });
    const tagIds = await this.units.ensureUnits(manager, 'tag', TagEntity, tags, (keys) =>
      this.units.tagIdsByNameAndManifest(manager, keys),
    );
    return { tagIds: [...tagIds.values()], manifestIds: [...manifestIds.values()], blobIds: [...blobIds.values()] };
  }

  /** Layers and index entries; rows that exist (same manifest, same position) are left as they are. */
  private async saveStructure(
    manager: EntityManager,
    snapshot: UpstreamSnapshot,
    manifestIds: Map<string, string>,
    blobIds: Map<string, string>,
  ): Promise<void> {
    const layers: Partial<ManifestLayerEntity>[] = [];
    const entries: Partial<IndexEntryEntity>[] = [];
    for (const manifest of snapshot.manifests.values()) {
      const id = manifestIds.get(manifest.digest)!;
      const parsed = manifest.parsed;
      if (parsed.kind === 'manifest') {
        if (manifest.known) continue;
        for (const layer of parsed.layers) {
          layers.push({
            manifestId: id,
            position: layer.index,
            blobId: blobIds.get(layer.digest)!,
            digest: layer.digest,
            size: layer.size,
            mediaType: layer.mediaType,
            title: layer.title,
            annotations: layer.annotations,
          });
        }
      } else {
        // Also for a known index: a wider platform filter may have brought children it did not list before.
        for (const { position, digest } of manifest.children) {
          const platform = parsed.manifests[position]!.platform;
          entries.push({
            indexId: id,
            position,
            childId: manifestIds.get(digest)!,
            architecture: platform?.architecture ?? null,
            os: platform?.os ?? null,
            variant: platform?.variant ?? null,
            osVersion: platform?.osVersion ?? null,
          });
        }
      }
    }
    await this.units.insertIgnoringConflicts(manager, ManifestLayerEntity, layers);
    await this.units.insertIgnoringConflicts(manager, IndexEntryEntity, entries);
  }
}
