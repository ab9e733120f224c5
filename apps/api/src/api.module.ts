import { CoreModule, CoreOptions } from '@app/core';
import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BasicAuthGuard } from './common/basic-auth.guard';
import { correlationMiddleware } from './common/correlation';
import { ContentController } from './content/content.controller';
import { ContentService } from './content/content.service';
import { DistributionsController } from './distributions/distributions.controller';
import { DistributionsService } from './distributions/distributions.service';
import { RemotesController } from './remotes/remotes.controller';
import { RemotesService } from './remotes/remotes.service';
import { RepositoriesController } from './repositories/repositories.controller';
import { RepositoriesService } from './repositories/repositories.service';
import { VersionsService } from './repositories/versions.service';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { TaskGuard } from './tasks/task-guard';
import { TasksController } from './tasks/tasks.controller';
import { TasksService } from './tasks/tasks.service';

@Module({})
export class ApiModule implements NestModule {
  static forRoot(core: Omit<CoreOptions, 'role'>): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.forRoot({ ...core, role: 'api' })],
      controllers: [
        RemotesController,
        RepositoriesController,
        ContentController,
        DistributionsController,
        TasksController,
        StatusController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: BasicAuthGuard },
        ContentService,
        DistributionsService,
        RemotesService,
        RepositoriesService,
        StatusService,
        TaskGuard,
        TasksService,
        VersionsService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(correlationMiddleware).forRoutes('*path');
  }
}
