import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const CONTENT_KINDS = ['blob', 'manifest', 'tag'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/**
 * One row per content unit of any kind. Blobs, manifests and tags share this id, so repository
 * membership is a single table keyed by content id whatever the kind.
 */
@Entity('content')
export class ContentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ContentKind;

  @CreateDateColumn({ name: 'pulp_created', type: 'timestamptz' })
  createdAt: Date;
}
