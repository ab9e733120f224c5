import type { RemotePolicy } from '@app/domain';
import { RegistryClient } from '@app/registry-client';
import type { SecretBox } from '@app/security';
import type { DataSource } from 'typeorm';

export interface RemoteSource {
  remoteId: string;
  upstreamName: string;
  policy: RemotePolicy;
  client: RegistryClient;
}

interface Row {
  remote_id: string;
  upstream_name: string;
  policy: RemotePolicy;
  url: string;
  updated_at: Date;
  tls_validation: boolean;
  ca_cert: string | null;
  client_cert: string | null;
  client_key_enc: string | null;
  username_enc: string | null;
  password_enc: string | null;
  proxy_url: string | null;
  proxy_username_enc: string | null;
  proxy_password_enc: string | null;
  headers: Record<string, string> | null;
  max_retries: number;
}

/**
 * Finds where a missing blob can be fetched from and keeps one registry client per remote (tokens and
 * connections are reused across misses). Only misses come here, so a query per miss is fine.
 */
export class RemoteClients {
  private readonly clients = new Map<string, { updatedAt: number; client: RegistryClient }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    /** REMOTE_URL_DENY: addresses an on-demand fetch may not connect to. */
    private readonly denyAddresses: readonly string[] = [],
  ) {}

  async sourceFor(blobId: string): Promise<RemoteSource | null> {
    const [row] = await this.dataSource.query<Row[]>(
      `SELECT ra.remote_id, ra.upstream_name, r.policy, r.url, r.pulp_last_updated AS updated_at, r.tls_validation,
              r.ca_cert, r.client_cert, r.client_key_enc, r.username_enc, r.password_enc, r.proxy_url,
              r.proxy_username_enc, r.proxy_password_enc, r.headers,
              r.max_retries
         FROM remote_artifacts ra JOIN remotes r ON r.id = ra.remote_id
        WHERE ra.blob_id = $1 AND (ra.failed_until IS NULL OR ra.failed_until < now())
        ORDER BY ra.failed_until NULLS FIRST LIMIT 1`,
      [blobId],
    );
    if (!row) return null;
    return { remoteId: row.remote_id, upstreamName: row.upstream_name, policy: row.policy, client: this.client(row) };
  }

  /** Keeps a remote artifact out of rotation for a while after it served bytes that did not match. */
  async markFailed(blobId: string, remoteId: string, coolDownSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE remote_artifacts SET failed_until = now() + make_interval(secs => $3) WHERE blob_id = $1 AND remote_id = $2`,
      [blobId, remoteId, coolDownSeconds],
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.clients.values()].map(({ client }) => client.close()));
    this.clients.clear();
  }

  private client(row: Row): RegistryClient {
    const cached = this.clients.get(row.remote_id);
    if (cached && cached.updatedAt === row.updated_at.getTime()) return cached.client;
    if (cached) void cached.client.close().catch(() => undefined);
    const client = new RegistryClient({
      url: row.url,
      username: this.secrets.openNullable(row.username_enc) ?? undefined,
      password: this.secrets.openNullable(row.password_enc) ?? undefined,
      tlsValidation: row.tls_validation,
      caCert: row.ca_cert ?? undefined,
      clientCert: row.client_cert ?? undefined,
      clientKey: this.secrets.openNullable(row.client_key_enc) ?? undefined,
      proxyUrl: row.proxy_url ?? undefined,
      proxyUsername: this.secrets.openNullable(row.proxy_username_enc) ?? undefined,
      proxyPassword: this.secrets.openNullable(row.proxy_password_enc) ?? undefined,
      denyAddresses: this.denyAddresses,
      headers: row.headers ?? undefined,
      maxRetries: Math.min(row.max_retries, 3),
    });
    this.clients.set(row.remote_id, { updatedAt: row.updated_at.getTime(), client });
    return client;
  }
}
