import { registryClientFor } from '@app/core';
import { RemoteArtifactsRepository, RemoteEntity, type RemotePolicy } from '@app/domain';
import type { RegistryClient } from '@app/registry-client';
import type { SecretBox } from '@app/security';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

export interface RemoteSource {
  remoteId: string;
  upstreamName: string;
  policy: RemotePolicy;
  client: RegistryClient;
}

/** A booting host is waiting on an on-demand fetch: retry a flaky upstream a little, not a sync's worth. */
const MAX_ON_DEMAND_RETRIES = 3;

/**
 * Finds where a missing blob can be fetched from and keeps one registry client per remote (tokens and
 * connections are reused across misses). Only misses come here, so a query per miss is fine.
 */
export class RemoteClients {
  private readonly clients = new Map<string, { updatedAt: number; client: Promise<RegistryClient> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: RemoteArtifactsRepository,
    private readonly secrets: SecretBox,
    private readonly logger: Logger,
    /** REMOTE_URL_DENY: addresses an on-demand fetch may not connect to. */
    private readonly denyAddresses: readonly string[] = [],
  ) {}

  async sourceFor(blobId: string): Promise<RemoteSource | null> {
    const source = await this.artifacts.sourceFor(blobId);
    if (!source) return null;
    return {
      remoteId: source.remoteId,
      upstreamName: source.upstreamName,
      policy: source.policy,
      client: await this.client(source.remoteId, source.remoteUpdatedAt),
    };
  }

  /** Keeps a remote artifact out of rotation for a while after it served bytes that did not match. */
  async markFailed(blobId: string, remoteId: string, coolDownSeconds: number): Promise<void> {
    await this.artifacts.markFailed(blobId, remoteId, coolDownSeconds);
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map(async ({ client }) => (await client).close()));
  }

  /**
   * One client per remote version, shared by concurrent misses: the rate limit lives in the client, so two
   * clients for one remote would each allow the full rate.
   */
  private client(remoteId: string, remoteUpdatedAt: Date): Promise<RegistryClient> {
    const updatedAt = remoteUpdatedAt.getTime();
    const cached = this.clients.get(remoteId);
    if (cached && cached.updatedAt === updatedAt) return cached.client;
    if (cached) void cached.client.then((old) => old.close()).catch(() => undefined);
    const client = this.build(remoteId);
    this.clients.set(remoteId, { updatedAt, client });
    client.catch(() => this.clients.get(remoteId)?.client === client && this.clients.delete(remoteId));
    return client;
  }

  private async build(remoteId: string): Promise<RegistryClient> {
    // Built from the whole remote, like the worker's clients: its timeouts and rate limit bind on-demand fetches too.
    const remote = await this.dataSource.getRepository(RemoteEntity).findOneByOrFail({ id: remoteId });
    return registryClientFor(remote, this.secrets, this.logger.child({ remoteId }), {
      maxRetries: Math.min(remote.maxRetries, MAX_ON_DEMAND_RETRIES),
      denyAddresses: this.denyAddresses,
    });
  }
}
