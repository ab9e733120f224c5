import type { Relation } from 'typeorm';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ManifestEntity } from './manifest.entity';

export const SIGNATURE_STATES = ['verified', 'unsigned', 'invalid'] as const;
export type SignatureState = (typeof SIGNATURE_STATES)[number];

/**
 * `simple-signing` and `cosign`: its own signature; `index-children`: an index whose every child is verified;
 * `signed-index`: a child pinned by digest in an index that is itself signed.
 */
export const SIGNATURE_KINDS = ['simple-signing', 'cosign', 'index-children', 'signed-index'] as const;
export type SignatureKind = (typeof SIGNATURE_KINDS)[number];

/**
 * The latest signature verdict on a manifest or index: written by every sync of a remote whose
 * signature_policy is not `none`, read by the content app when a distribution requires verified content.
 * Kept beside `manifests` (one row per manifest) so content without a verdict costs nothing.
 */
@Entity('manifest_signatures')
export class ManifestSignatureEntity {
  @PrimaryColumn({ name: 'manifest_id', type: 'uuid' })
  manifestId: string;

  @OneToOne(() => ManifestEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'manifest_id' })
  manifest: Relation<ManifestEntity>;

  @Column({ type: 'varchar', length: 16 })
  state: SignatureState;

  /** How it was verified (null when unsigned or invalid). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  kind: SignatureKind | null;

  /** The trusted key that signed it: an OpenPGP fingerprint or `sha256:<hex>` of a PEM key's SPKI. */
  @Column({ name: 'key_fingerprint', type: 'text', nullable: true })
  keyFingerprint: string | null;

  /** Why it is not verified, in words a user can act on. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /**
   * The simple signatures (lookaside `signature-N` bodies) that verified, kept so the content app's lookaside
   * endpoint can hand them on; each at most 64 KiB and at most 8, so they live in the row, not in blob storage.
   */
  @Column({ name: 'simple_signatures', type: 'bytea', array: true, default: () => "'{}'" })
  simpleSignatures: Buffer[];

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt: Date;
}
