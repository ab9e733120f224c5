import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExportImport1796050084500 implements MigrationInterface {
  name = 'ExportImport1796050084500';

  // Exporters, their exports (files and TOC written by the export task) and importers (issue 16).
  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "exporters" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "path" text NOT NULL, "repository_ids" uuid array NOT NULL DEFAULT \'{}\', "pulp_labels" jsonb NOT NULL DEFAULT \'{}\', "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_e59b3bfdc34340575fa5aced440" UNIQUE ("name"), CONSTRAINT "PK_9ad8c4949ebeacd38ae61b9b6fd" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "exports" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "exporter_id" uuid NOT NULL, "task_id" uuid, "params" jsonb NOT NULL, "toc_path" text, "toc_sha256" character varying(64), "toc" jsonb, "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bcf8528d214cbfc68c01f337511" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE INDEX "IDX_708f50755e1fa08942c410bce8" ON "exports"  ("exporter_id", "pulp_created") ');
    await runner.query(
      'CREATE TABLE "importers" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "repo_mapping" jsonb NOT NULL DEFAULT \'{}\', "pulp_labels" jsonb NOT NULL DEFAULT \'{}\', "pulp_created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "pulp_last_updated" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_284980cfeb470bbc68cee277ef8" UNIQUE ("name"), CONSTRAINT "PK_9c34284b908bbe4c3af66097b70" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'ALTER TABLE "exports" ADD CONSTRAINT "FK_e4b9746ef52449a979d85cd4fc4" FOREIGN KEY ("exporter_id") REFERENCES "exporters"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "exports" ADD CONSTRAINT "FK_a6a0e2369dad436556a3ac09b00" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "exports" DROP CONSTRAINT "FK_a6a0e2369dad436556a3ac09b00"');
    await runner.query('ALTER TABLE "exports" DROP CONSTRAINT "FK_e4b9746ef52449a979d85cd4fc4"');
    await runner.query('DROP TABLE "importers"');
    await runner.query('DROP INDEX "public"."IDX_708f50755e1fa08942c410bce8"');
    await runner.query('DROP TABLE "exports"');
    await runner.query('DROP TABLE "exporters"');
  }
}
