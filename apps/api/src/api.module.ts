import { CoreModule, CoreOptions } from '@app/core';
import { TaskQueueModule } from '@app/dispatch';
import { SCHEDULE_QUEUE } from '@app/queue';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ExportersController } from './exporters/exporters.controller';
import { ExportersService } from './exporters/exporters.service';
import { ExportsController } from './exporters/exports.controller';
import { ImportersController } from './importers/importers.controller';
import { ImportersService } from './importers/importers.service';
import { HealthController } from './health/health.controller';
import { HttpMetricsMiddleware } from './health/http-metrics.middleware';
import { MetricsService } from './health/metrics.service';
import { AuthGuard } from './auth/auth.guard';
import { TokensController } from './auth/tokens.controller';
import { TokensService } from './auth/tokens.service';
import { correlationMiddleware } from './common/correlation';
import { FieldsInterceptor } from './common/fields';
import { jsonDepthMiddleware } from './common/json-depth';
import { RequestLogMiddleware } from './common/request-log.middleware';
import { ContentController } from './content/content.controller';
import { ContentService } from './content/content.service';
import { DistributionsController } from './distributions/distributions.controller';
import { DistributionsService } from './distributions/distributions.service';
import { OrphansController } from './orphans/orphans.controller';
import { RemotesController } from './remotes/remotes.controller';
import { RemotesService } from './remotes/remotes.service';
import { ModifyController } from './repositories/modify.controller';
import { ModifyService } from './repositories/modify.service';
import { ReclaimController } from './repositories/reclaim.controller';
import { ReclaimService } from './repositories/reclaim.service';
import { RepositoriesController } from './repositories/repositories.controller';
import { RepositoriesService } from './repositories/repositories.service';
import { VersionsService } from './repositories/versions.service';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesService } from './schedules/schedules.service';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { TaskGuard } from './tasks/task-guard';
import { TasksController } from './tasks/tasks.controller';
import { TasksPurgeController } from './tasks/tasks-purge.controller';
import { TasksService } from './tasks/tasks.service';

@Module({})
export class ApiModule implements NestModule {
  static forRoot(core: Omit<CoreOptions, 'role'>): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot({ ...core, role: 'api' }),
        TaskQueueModule.forRoot(core.config),
        BullModule.registerQueue({ name: SCHEDULE_QUEUE }),
      ],
      controllers: [
        RemotesController,
        ReclaimController,
        RepositoriesController,
        ModifyController,
        ContentController,
        DistributionsController,
        HealthController,
        OrphansController,
        TasksPurgeController,
        TasksController,
        SchedulesController,
        StatusController,
        TokensController,
        ExportersController,
        ExportsController,
        ImportersController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: FieldsInterceptor },
        MetricsService,
        ContentService,
        ModifyService,
        ReclaimService,
        DistributionsService,
        RemotesService,
        RepositoriesService,
        SchedulesService,
        StatusService,
        TaskGuard,
        TasksService,
        TokensService,
        VersionsService,
        ExportersService,
        ImportersService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(correlationMiddleware, RequestLogMiddleware, HttpMetricsMiddleware, jsonDepthMiddleware)
      .forRoutes('*path');
  }
}
