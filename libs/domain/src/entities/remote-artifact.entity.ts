import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { BlobEntity } from './blob.entity';
import { RemoteEntity } from './remote.entity';

/** Where a blob can be fetched from when it is not (yet) in storage: on_demand and streamed content. */
@Entity('remote_artifacts')
@Index(['blobId', 'remoteId'], { unique: true })
export class RemoteArtifactEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'blob_id', type: 'uuid' })
  blobId: string;

  @ManyToOne(() => BlobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blob_id' })
  blob: Relation<BlobEntity>;

  @Index()
  @Column({ name: 'remote_id', type: 'uuid' })
  remoteId: string;

  @ManyToOne(() => RemoteEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'remote_id' })
  remote: Relation<RemoteEntity>;

  /** The repository name at the registry when this was recorded (the remote's may change later). */
  @Column({ name: 'upstream_name', type: 'text' })
  upstreamName: string;

  /** After a failed fetch (digest mismatch, 404) the artifact is not tried again until then. */
  @Column({ name: 'failed_until', type: 'timestamptz', nullable: true })
  failedUntil: Date | null;
}
