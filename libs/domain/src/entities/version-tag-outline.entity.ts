import type { Relation } from 'typeorm';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { RepositoryVersionEntity } from './repository-version.entity';

/**
 * How many tags a repository version holds and every `spacing`-th tag name in name order (positions 0, spacing,
 * 2·spacing …): enough to read any page of the version's tag list from the membership index at the cost of at
 * most `spacing` entries plus the page, whatever its offset, and to give the list's exact count without counting.
 * A version's content never changes while it exists (deleting a version folds its changes into the next one, whose
 * content stays the same), so an outline written once stays true. Written when a version is created; an older
 * version gets one the first time its tags are listed. See `tag-outline.ts`.
 */
@Entity('repository_version_tag_outlines')
export class VersionTagOutlineEntity {
  @PrimaryColumn({ name: 'version_id', type: 'uuid' })
  versionId: string;

  @OneToOne(() => RepositoryVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id' })
  version: Relation<RepositoryVersionEntity>;

  @Column({ name: 'tag_count', type: 'integer' })
  tagCount: number;

  @Column({ type: 'integer' })
  spacing: number;

  @Column({ type: 'varchar', length: 128, array: true })
  marks: string[];
}
