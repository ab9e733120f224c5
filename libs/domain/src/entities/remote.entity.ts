import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const REMOTE_POLICIES = ['immediate', 'on_demand', 'streamed'] as const;
export type RemotePolicy = (typeof REMOTE_POLICIES)[number];

/** `record` verifies and records signatures without blocking; `require` syncs only what is validly signed. */
export const SIGNATURE_POLICIES = ['none', 'record', 'require'] as const;
export type SignaturePolicy = (typeof SIGNATURE_POLICIES)[number];

/** Where a repository syncs from: one registry repository with its credentials, filters and limits. */
@Entity('remotes')
export class RemoteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ name: 'upstream_name', type: 'text' })
  upstreamName: string;

  @Column({ name: 'include_tags', type: 'text', array: true, nullable: true })
  includeTags: string[] | null;

  @Column({ name: 'exclude_tags', type: 'text', array: true, nullable: true })
  excludeTags: string[] | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  platforms: string[];

  @Column({ type: 'varchar', length: 16, default: 'immediate' })
  policy: RemotePolicy;

  @Column({ name: 'tls_validation', type: 'boolean', default: true })
  tlsValidation: boolean;

  @Column({ name: 'ca_cert', type: 'text', nullable: true })
  caCert: string | null;

  @Column({ name: 'client_cert', type: 'text', nullable: true })
  clientCert: string | null;

  /** AES-256-GCM ciphertext (see @app/security); never the clear text. */
  @Column({ name: 'client_key_enc', type: 'text', nullable: true })
  clientKeyEnc: string | null;

  @Column({ name: 'username_enc', type: 'text', nullable: true })
  usernameEnc: string | null;

  @Column({ name: 'password_enc', type: 'text', nullable: true })
  passwordEnc: string | null;

  @Column({ name: 'proxy_url', type: 'text', nullable: true })
  proxyUrl: string | null;

  /** Proxy credentials, sealed like the registry's (the URL itself may not carry user-info). */
  @Column({ name: 'proxy_username_enc', type: 'text', nullable: true })
  proxyUsernameEnc: string | null;

  @Column({ name: 'proxy_password_enc', type: 'text', nullable: true })
  proxyPasswordEnc: string | null;

  @Column({ name: 'download_concurrency', type: 'integer', default: 5 })
  downloadConcurrency: number;

  @Column({ name: 'max_retries', type: 'integer', default: 5 })
  maxRetries: number;

  @Column({ name: 'rate_limit', type: 'integer', nullable: true })
  rateLimit: number | null;

  @Column({ name: 'connect_timeout', type: 'double precision', nullable: true })
  connectTimeout: number | null;

  /** Pulp's socket-connect limit; the connect phase ends at the smaller of this and connect_timeout. */
  @Column({ name: 'sock_connect_timeout', type: 'double precision', nullable: true })
  sockConnectTimeout: number | null;

  @Column({ name: 'sock_read_timeout', type: 'double precision', nullable: true })
  sockReadTimeout: number | null;

  @Column({ name: 'total_timeout', type: 'double precision', nullable: true })
  totalTimeout: number | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  headers: Record<string, string>;

  @Column({ name: 'signature_policy', type: 'varchar', length: 16, default: 'none' })
  signaturePolicy: SignaturePolicy;

  /** PEM public keys (cosign key pairs) and ASCII-armored OpenPGP public keys (simple signing), validated on write. */
  @Column({ name: 'signature_keys', type: 'text', array: true, default: () => "'{}'" })
  signatureKeys: string[];

  /** Base URL of a simple-signing lookaside store: `<url>/<repo>@sha256=<hex>/signature-N`. */
  @Column({ name: 'sigstore_lookaside_url', type: 'text', nullable: true })
  sigstoreLookasideUrl: string | null;

  /** Pulp labels: free string → string map, filtered with pulp_label_select. */
  @Column({ name: 'pulp_labels', type: 'jsonb', default: () => "'{}'" })
  pulpLabels: Record<string, string>;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'pulp_last_updated', type: 'timestamptz' })
  updatedAt: Date;
}
