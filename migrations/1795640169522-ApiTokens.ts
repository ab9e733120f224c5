import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiTokens1795640169522 implements MigrationInterface {
  name = 'ApiTokens1795640169522';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "api_tokens" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "token_hash" character varying(64) NOT NULL, "prefix" character varying(16) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_cb9fafc3afcc49346322334dead" UNIQUE ("name"), CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE UNIQUE INDEX "IDX_bbd687a104e1921e6702c6e3aa" ON "api_tokens"  ("token_hash") ');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "public"."IDX_bbd687a104e1921e6702c6e3aa"');
    await runner.query('DROP TABLE "api_tokens"');
  }
}
