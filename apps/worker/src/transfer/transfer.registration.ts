import { Injectable, OnModuleInit } from '@nestjs/common';
import { TaskHandlers } from '../tasks/task-handlers';
import { ExportService } from './export.service';
import { ImportService } from './import.service';

/**
 * Registers export and import. Their locks (`TASKS.export`/`TASKS.import` in `@app/queue`): an export holds the
 * repositories it reads shared, an import the repositories it writes exclusively, both hold content shared.
 */
@Injectable()
export class TransferRegistration implements OnModuleInit {
  constructor(
    private readonly handlers: TaskHandlers,
    private readonly exporter: ExportService,
    private readonly importer: ImportService,
  ) {}

  onModuleInit(): void {
    this.handlers.register('export', (context) => this.exporter.run(context));
    this.handlers.register('import', (context) => this.importer.run(context));
  }
}
