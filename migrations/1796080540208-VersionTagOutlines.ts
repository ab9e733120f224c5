import { MigrationInterface, QueryRunner } from 'typeorm';

export class VersionTagOutlines1796080540208 implements MigrationInterface {
  name = 'VersionTagOutlines1796080540208';

  // A version's tag count and every 1000th tag name (issue 14: tag pages at 500,000 tags); versions made before
  // this get theirs the first time their tags are listed, so nothing is backfilled here.
  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "repository_version_tag_outlines" ("version_id" uuid NOT NULL, "tag_count" integer NOT NULL, "spacing" integer NOT NULL, "marks" character varying(128) array NOT NULL, CONSTRAINT "PK_45dcba66a823b10328c10b4df3e" PRIMARY KEY ("version_id"))',
    );
    await runner.query(
      'ALTER TABLE "repository_version_tag_outlines" ADD CONSTRAINT "FK_45dcba66a823b10328c10b4df3e" FOREIGN KEY ("version_id") REFERENCES "repository_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'ALTER TABLE "repository_version_tag_outlines" DROP CONSTRAINT "FK_45dcba66a823b10328c10b4df3e"',
    );
    await runner.query('DROP TABLE "repository_version_tag_outlines"');
  }
}
