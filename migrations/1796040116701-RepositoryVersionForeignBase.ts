import { MigrationInterface, QueryRunner } from 'typeorm';

export class RepositoryVersionForeignBase1796040116701 implements MigrationInterface {
  name = 'RepositoryVersionForeignBase1796040116701';

  // A promoted version names the other repository's version it was made from (Pulp's base_version).
  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "repository_versions" ADD "base_version_id" uuid');
    await runner.query(
      'ALTER TABLE "repository_versions" ADD CONSTRAINT "FK_423eb90631d88b6cb57f86a2169" FOREIGN KEY ("base_version_id") REFERENCES "repository_versions"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "repository_versions" DROP CONSTRAINT "FK_423eb90631d88b6cb57f86a2169"');
    await runner.query('ALTER TABLE "repository_versions" DROP COLUMN "base_version_id"');
  }
}
