import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { publishContentInvalidation } from '@app/core';
import { type Digest, MediaType, sha256Digest } from '@app/oci';
import { FilesystemDriver } from '@app/storage';
import type { Stack } from '../../support/stack';
import { REDIS_URL } from '../../support/stack';
import type { NetbootArtifact } from '../../support/push';

export interface SeedIndex {
  bytes: Buffer;
  children: Array<{ artifact: NetbootArtifact; architecture: string; osVersion?: string }>;
}

/** A remote's limits, as the API names them (seconds, requests per second). */
export interface RemoteLimits {
  sock_read_timeout?: number;
  total_timeout?: number;
  rate_limit?: number;
}

export interface SeedVersion {
  tags: Record<string, NetbootArtifact | SeedIndex>;
  /** Blobs are written to storage unless this says they live only at a remote (on_demand tests). */
  remote?: { remoteId: string; upstreamName: string };
}

/**
 * Writes what a sync would: content, blobs (and their files), manifests with layers, indexes, tags and a new
 * repository version. Lets the content tests run without depending on the sync worker.
 */
export class Seeder {
  private constructor(
    private readonly stack: Stack,
    private readonly storage: FilesystemDriver,
  ) {}

  static async open(stack: Stack): Promise<Seeder> {
    return new Seeder(stack, await FilesystemDriver.open({ root: stack.prepared.config.storagePath }));
  }

  async repository(name: string): Promise<string> {
    const [row] = await this.stack.sql<{ id: string }>(`INSERT INTO repositories (name) VALUES ($1) RETURNING id`, [
      name,
    ]);
    await this.stack.sql(`INSERT INTO repository_versions (repository_id, number) VALUES ($1, 0)`, [row.id]);
    return row.id;
  }

  async distribution(basePath: string, repositoryId: string, extra: { hidden?: boolean; kernelArgs?: string } = {}) {
    const [row] = await this.stack.sql<{ id: string }>(
      `INSERT INTO distributions (name, base_path, repository_id, hidden, kernel_args) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [basePath, basePath, repositoryId, extra.hidden ?? false, extra.kernelArgs ?? null],
    );
    await this.invalidate();
    return row.id;
  }

  async remote(
    url: string,
    upstreamName: string,
    policy: 'on_demand' | 'streamed',
    limits: RemoteLimits = {},
  ): Promise<string> {
    const [row] = await this.stack.sql<{ id: string }>(
      `INSERT INTO remotes (name, url, upstream_name, policy, sock_read_timeout, total_timeout, rate_limit)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        `remote-${randomUUID()}`,
        url,
        upstreamName,
        policy,
        limits.sock_read_timeout ?? null,
        limits.total_timeout ?? null,
        limits.rate_limit ?? null,
      ],
    );
    return row.id;
  }

  /** A new version with exactly these tags (tags of earlier versions are removed). Returns its number. */
  async version(repositoryId: string, spec: SeedVersion): Promise<number> {
    const [{ number }] = await this.stack.sql<{ number: number }>(
      `SELECT max(number) + 1 AS number FROM repository_versions WHERE repository_id = $1`,
      [repositoryId],
    );
    const ids = new Set<string>();
    for (const [tag, target] of Object.entries(spec.tags)) {
      const manifestId =
        'children' in target ? await this.index(target, ids, spec) : await this.manifest(target, ids, spec);
      ids.add(await this.tag(tag, manifestId));
    }
    await this.stack.sql(
      `UPDATE repository_content SET version_removed = $2 WHERE repository_id = $1 AND version_removed IS NULL
          AND NOT (content_id = ANY($3::uuid[]))`,
      [repositoryId, number, [...ids]],
    );
    await this.stack.sql(
      `INSERT INTO repository_content (repository_id, content_id, version_added)
       SELECT $1, c, $2 FROM unnest($3::uuid[]) c
        WHERE NOT EXISTS (SELECT 1 FROM repository_content rc WHERE rc.repository_id = $1 AND rc.content_id = c
                            AND rc.version_removed IS NULL)`,
      [repositoryId, number, [...ids]],
    );
    await this.stack.sql(`INSERT INTO repository_versions (repository_id, number) VALUES ($1, $2)`, [
      repositoryId,
      number,
    ]);
    await this.invalidate();
    return number;
  }

  async invalidate(): Promise<void> {
    const redis = new Redis(REDIS_URL);
    try {
      await publishContentInvalidation(redis, this.stack.redisPrefix, { reason: 'test-seed' });
    } finally {
      await redis.quit();
    }
    // Pub/sub is asynchronous; give the subscriber a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private async content(kind: string): Promise<string> {
    const [row] = await this.stack.sql<{ id: string }>(`INSERT INTO content (kind) VALUES ($1) RETURNING id`, [kind]);
    return row.id;
  }

  private async blob(digest: Digest, bytes: Buffer, mediaType: string, spec: SeedVersion): Promise<string> {
    const [existing] = await this.stack.sql<{ id: string }>(`SELECT id FROM blobs WHERE digest = $1`, [digest]);
    if (existing) return existing.id;
    const id = await this.content('blob');
    await this.stack.sql(`INSERT INTO blobs (id, digest, size, media_type, state) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      digest,
      bytes.length,
      mediaType,
      spec.remote ? 'remote' : 'stored',
    ]);
    if (spec.remote) {
      await this.stack.sql(`INSERT INTO remote_artifacts (blob_id, remote_id, upstream_name) VALUES ($1, $2, $3)`, [
        id,
        spec.remote.remoteId,
        spec.remote.upstreamName,
      ]);
    } else {
      const writer = await this.storage.createWriter(digest, { expectedSize: bytes.length });
      await writer.write(bytes);
      await writer.commit();
    }
    return id;
  }

  private async manifest(artifact: NetbootArtifact, ids: Set<string>, spec: SeedVersion): Promise<string> {
    const [existing] = await this.stack.sql<{ id: string }>(`SELECT id FROM manifests WHERE digest = $1`, [
      artifact.digest,
    ]);
    if (existing) {
      ids.add(existing.id);
      return existing.id;
    }
    const blobIds = new Map<Digest, string>();
    for (const [digest, bytes] of artifact.blobs) {
      const media = artifact.layers.find((l) => l.digest === digest)?.mediaType ?? MediaType.OciEmpty;
      const blobId = await this.blob(digest, bytes, media, spec);
      blobIds.set(digest, blobId);
      ids.add(blobId);
    }
    const id = await this.content('manifest');
    const config = (artifact.manifest.config as { digest: Digest; mediaType: string }) ?? null;
    await this.stack.sql(
      `INSERT INTO manifests (id, digest, media_type, artifact_type, is_index, raw, annotations, config_digest, config_media_type)
       VALUES ($1, $2, $3, $4, false, $5, $6, $7, $8)`,
      [
        id,
        artifact.digest,
        artifact.mediaType,
        artifact.manifest.artifactType ?? null,
        artifact.bytes,
        JSON.stringify(artifact.manifest.annotations ?? {}),
        config?.digest ?? null,
        config?.mediaType ?? null,
      ],
    );
    for (const [position, layer] of artifact.layers.entries()) {
      await this.stack.sql(
        `INSERT INTO manifest_layers (manifest_id, position, blob_id, digest, size, media_type, title, annotations)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          position,
          blobIds.get(layer.digest),
          layer.digest,
          layer.size,
          layer.mediaType,
          layer.annotations?.['org.opencontainers.image.title'] ?? null,
          JSON.stringify(layer.annotations ?? {}),
        ],
      );
    }
    ids.add(id);
    return id;
  }

  private async index(index: SeedIndex, ids: Set<string>, spec: SeedVersion): Promise<string> {
    const digest = sha256Digest(index.bytes);
    const childIds = [];
    for (const child of index.children) childIds.push(await this.manifest(child.artifact, ids, spec));
    const [existing] = await this.stack.sql<{ id: string }>(`SELECT id FROM manifests WHERE digest = $1`, [digest]);
    if (existing) {
      ids.add(existing.id);
      return existing.id;
    }
    const id = await this.content('manifest');
    await this.stack.sql(
      `INSERT INTO manifests (id, digest, media_type, artifact_type, is_index, raw, annotations)
       VALUES ($1, $2, $3, $4, true, $5, '{}')`,
      [id, digest, MediaType.OciIndex, MediaType.NetbootArtifact, index.bytes],
    );
    for (const [position, child] of index.children.entries()) {
      await this.stack.sql(
        `INSERT INTO index_entries (index_id, position, child_id, architecture, os, os_version) VALUES ($1, $2, $3, $4, 'linux', $5)`,
        [id, position, childIds[position], child.architecture, child.osVersion ?? null],
      );
    }
    ids.add(id);
    return id;
  }

  private async tag(name: string, manifestId: string): Promise<string> {
    const [existing] = await this.stack.sql<{ id: string }>(
      `SELECT id FROM tags WHERE name = $1 AND manifest_id = $2`,
      [name, manifestId],
    );
    if (existing) return existing.id;
    const id = await this.content('tag');
    await this.stack.sql(`INSERT INTO tags (id, name, manifest_id) VALUES ($1, $2, $3)`, [id, name, manifestId]);
    return id;
  }
}

/** An OCI index over already-built artifacts, as `pushIndex` would push it. */
export function buildIndex(children: SeedIndex['children']): SeedIndex {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      artifactType: MediaType.NetbootArtifact,
      manifests: children.map(({ artifact, architecture, osVersion }) => ({
        mediaType: artifact.mediaType,
        digest: artifact.digest,
        size: artifact.bytes.length,
        platform: { architecture, os: 'linux', ...(osVersion ? { 'os.version': osVersion } : {}) },
      })),
      annotations: { 'org.pulpproject.netboot.version': '1' },
    }),
  );
  return { bytes, children };
}
