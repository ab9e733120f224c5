import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ContentEntity, type ContentKind } from './content.entity';
import { RepositoryEntity } from './repository.entity';

/**
 * Membership of content in a repository over a range of versions: present in every version numbered
 * from `versionAdded` up to, not including, `versionRemoved`. Any version's content is one indexed query.
 *
 * `kind` and `tagName` are copies of the unit's (immutable) kind and tag name, so a version's tags are counted
 * and paged in name order from one index alone (an index-only scan), whatever the size of the `tags` table.
 * Inserts that leave them out get them from a trigger (`repository_content_fill`, see its migration).
 */
@Entity('repository_content')
@Index(['repositoryId', 'versionAdded', 'versionRemoved'])
@Index(['repositoryId', 'kind', 'tagName', 'versionAdded', 'versionRemoved', 'contentId'])
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

  @Column({ type: 'varchar', length: 16 })
  kind: ContentKind;

  /** The tag's name for a tag, null for other kinds. */
  @Column({ name: 'tag_name', type: 'varchar', length: 128, nullable: true })
  tagName: string | null;

  @Column({ name: 'version_added', type: 'integer' })
  versionAdded: number;

  @Column({ name: 'version_removed', type: 'integer', nullable: true })
  versionRemoved: number | null;
}
