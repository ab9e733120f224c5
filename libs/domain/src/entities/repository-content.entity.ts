import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ContentEntity } from './content.entity';
import { RepositoryEntity } from './repository.entity';

/**
 * Membership of content in a repository over a range of versions: present in every version numbered
 * from `versionAdded` up to, not including, `versionRemoved`. Any version's content is one indexed query.
 */
@Entity('repository_content')
@Index(['repositoryId', 'versionAdded', 'versionRemoved'])
@Index(['repositoryId', 'contentId', 'versionAdded'], { unique: true })
export class RepositoryContentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'repository_id', type: 'uuid' })
  repositoryId: string;

  @ManyToOne(() => RepositoryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository: Relation<RepositoryEntity>;

  @Index()
  @Column({ name: 'content_id', type: 'uuid' })
  contentId: string;

  @ManyToOne(() => ContentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'content_id' })
  content: Relation<ContentEntity>;

  @Column({ name: 'version_added', type: 'integer' })
  versionAdded: number;

  @Column({ name: 'version_removed', type: 'integer', nullable: true })
  versionRemoved: number | null;
}
