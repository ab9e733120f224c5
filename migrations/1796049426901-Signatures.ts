import { MigrationInterface, QueryRunner } from 'typeorm';

export class Signatures1796049426901 implements MigrationInterface {
  name = 'Signatures1796049426901';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "manifest_signatures" ("manifest_id" uuid NOT NULL, "state" character varying(16) NOT NULL, "kind" character varying(32), "key_fingerprint" text, "reason" text, "checked_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6d155a536a0d88ee008379f82ef" PRIMARY KEY ("manifest_id"))',
    );
    await runner.query('ALTER TABLE "remotes" ADD "signature_policy" character varying(16) NOT NULL DEFAULT \'none\'');
    await runner.query('ALTER TABLE "remotes" ADD "signature_keys" text array NOT NULL DEFAULT \'{}\'');
    await runner.query('ALTER TABLE "remotes" ADD "sigstore_lookaside_url" text');
    await runner.query('ALTER TABLE "distributions" ADD "require_verified" boolean NOT NULL DEFAULT false');
    await runner.query(
      'ALTER TABLE "manifest_signatures" ADD CONSTRAINT "FK_6d155a536a0d88ee008379f82ef" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "manifest_signatures" DROP CONSTRAINT "FK_6d155a536a0d88ee008379f82ef"');
    await runner.query('ALTER TABLE "distributions" DROP COLUMN "require_verified"');
    await runner.query('ALTER TABLE "remotes" DROP COLUMN "sigstore_lookaside_url"');
    await runner.query('ALTER TABLE "remotes" DROP COLUMN "signature_keys"');
    await runner.query('ALTER TABLE "remotes" DROP COLUMN "signature_policy"');
    await runner.query('DROP TABLE "manifest_signatures"');
  }
}
