import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BlobEntity } from './blob.entity';
import { bigintToNumber } from './columns';
import { ManifestEntity } from './manifest.entity';

/** A manifest's layer; a layer with a title is a file (`vmlinuz`, `initrd.img`, ...). */
@Entity('manifest_layers')
@Index(['manifestId', 'title'], { unique: true, where: 'title IS NOT NULL' })
export class ManifestLayerEntity {
  @PrimaryColumn({ name: 'manifest_id', type: 'uuid' })
  manifestId: string;

  @PrimaryColumn({ type: 'integer' })
  position: number;

  @ManyToOne(() => ManifestEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'manifest_id' })
  manifest: Relation<ManifestEntity>;

  @Index()
  @Column({ name: 'blob_id', type: 'uuid' })
  blobId: string;

  @ManyToOne(() => BlobEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'blob_id' })
  blob: Relation<BlobEntity>;

  @Column({ type: 'varchar', length: 71 })
  digest: string;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  size: number;

  @Column({ name: 'media_type', type: 'text' })
  mediaType: string;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  annotations: Record<string, string>;
}
