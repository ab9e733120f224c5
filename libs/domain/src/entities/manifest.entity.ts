import type { Relation } from 'typeorm';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ContentEntity } from './content.entity';

/** An image manifest or an image index, with its exact bytes (digests are over those bytes). */
@Entity('manifests')
export class ManifestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @OneToOne(() => ContentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  content: Relation<ContentEntity>;

  @Column({ type: 'varchar', length: 71, unique: true })
  digest: string;

  @Column({ name: 'media_type', type: 'text' })
  mediaType: string;

  @Column({ name: 'artifact_type', type: 'text', nullable: true })
  artifactType: string | null;

  @Column({ name: 'is_index', type: 'boolean', default: false })
  isIndex: boolean;

  @Column({ type: 'bytea' })
  raw: Buffer;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  annotations: Record<string, string>;

  @Column({ name: 'config_digest', type: 'varchar', length: 71, nullable: true })
  configDigest: string | null;

  @Column({ name: 'config_media_type', type: 'text', nullable: true })
  configMediaType: string | null;
}
