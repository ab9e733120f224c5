import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { ContentEntity } from './content.entity';
import { ManifestEntity } from './manifest.entity';

/** A tag is content too: the pair (name, manifest), so a moved tag is a removal plus an addition. */
@Entity('tags')
@Index(['name', 'manifestId'], { unique: true })
export class TagEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @OneToOne(() => ContentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  content: Relation<ContentEntity>;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Index()
  @Column({ name: 'manifest_id', type: 'uuid' })
  manifestId: string;

  @ManyToOne(() => ManifestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'manifest_id' })
  manifest: Relation<ManifestEntity>;
}
