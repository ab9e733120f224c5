import type { Relation } from 'typeorm';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './columns';
import { ContentEntity } from './content.entity';

/** `stored`: the verified file is in storage. `remote`: only known by digest, fetched on demand. */
export const BLOB_STATES = ['stored', 'remote'] as const;
export type BlobState = (typeof BLOB_STATES)[number];

@Entity('blobs')
export class BlobEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @OneToOne(() => ContentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  content: Relation<ContentEntity>;

  @Column({ type: 'varchar', length: 71, unique: true })
  digest: string;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  size: number;

  @Column({ name: 'media_type', type: 'text', nullable: true })
  mediaType: string | null;

  @Column({ type: 'varchar', length: 16, default: 'remote' })
  state: BlobState;
}
