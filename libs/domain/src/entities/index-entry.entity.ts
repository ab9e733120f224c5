import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ManifestEntity } from './manifest.entity';

/** One child of an image index, with the platform it is for. */
@Entity('index_entries')
export class IndexEntryEntity {
  @PrimaryColumn({ name: 'index_id', type: 'uuid' })
  indexId: string;

  @PrimaryColumn({ type: 'integer' })
  position: number;

  @ManyToOne(() => ManifestEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'index_id' })
  index: Relation<ManifestEntity>;

  @Index()
  @Column({ name: 'child_id', type: 'uuid' })
  childId: string;

  @ManyToOne(() => ManifestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'child_id' })
  child: Relation<ManifestEntity>;

  @Column({ type: 'varchar', length: 64, nullable: true })
  architecture: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  os: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  variant: string | null;

  @Column({ name: 'os_version', type: 'text', nullable: true })
  osVersion: string | null;
}
