import { MigrationInterface, QueryRunner } from 'typeorm';

export class RepositoryContentKind1796049798087 implements MigrationInterface {
  name = 'RepositoryContentKind1796049798087';

  // A version's tags are counted and paged in name order from the membership index alone (issue 14: the tag list
  // of a 50,000-tag version cost a join over every tag on each page). The unit's kind and tag name never change,
  // so copying them is safe; the trigger fills them for inserts that leave them out.
  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "repository_content" ADD "kind" character varying(16)');
    await runner.query('ALTER TABLE "repository_content" ADD "tag_name" character varying(128)');
    await runner.query(
      'UPDATE "repository_content" rc SET "kind" = c."kind", "tag_name" = t."name" FROM "content" c LEFT JOIN "tags" t ON t."id" = c."id" WHERE c."id" = rc."content_id"',
    );
    await runner.query('ALTER TABLE "repository_content" ALTER COLUMN "kind" SET NOT NULL');
    await runner.query(`CREATE FUNCTION repository_content_fill() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."kind" IS NULL THEN
          SELECT c."kind", t."name" INTO NEW."kind", NEW."tag_name"
            FROM "content" c LEFT JOIN "tags" t ON t."id" = c."id" WHERE c."id" = NEW."content_id";
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(
      'CREATE TRIGGER repository_content_fill BEFORE INSERT ON "repository_content" FOR EACH ROW EXECUTE FUNCTION repository_content_fill()',
    );
    await runner.query(
      'CREATE INDEX "IDX_9ae1695362628beea9123d92f9" ON "repository_content" ("repository_id", "kind", "tag_name", "version_added", "version_removed", "content_id") ',
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "public"."IDX_9ae1695362628beea9123d92f9"');
    await runner.query('DROP TRIGGER repository_content_fill ON "repository_content"');
    await runner.query('DROP FUNCTION repository_content_fill()');
    await runner.query('ALTER TABLE "repository_content" DROP COLUMN "tag_name"');
    await runner.query('ALTER TABLE "repository_content" DROP COLUMN "kind"');
  }
}
