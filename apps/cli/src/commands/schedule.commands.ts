import {
  syncSchedulesCreate,
  syncSchedulesDelete,
  syncSchedulesList,
  syncSchedulesPartialUpdate,
  syncSchedulesRead,
} from '../../../../openapi/client/sdk.gen';
import type { CreateScheduleRequest, ScheduleResponse } from '../../../../openapi/client/types.gen';
import { call } from '../api/api-client';
import type { GroupDef, OptionDef } from './command.types';
import { crudCommands } from './crud.commands';
import { reference, REMOTE, REPOSITORY, SCHEDULE } from './lookups';

const OPTIONS: Record<string, OptionDef> = {
  repository: {
    type: 'string',
    value: 'REPO',
    field: 'repository',
    convert: reference(REPOSITORY),
    description: 'Repository to sync (name or href)',
  },
  remote: {
    type: 'string',
    value: 'REMOTE',
    field: 'remote',
    convert: reference(REMOTE),
    description: 'Remote to sync from ("" = the repository\'s at run time)',
  },
  cron: { type: 'string', value: 'EXPR', field: 'cron', description: 'Five-field cron expression, e.g. "0 3 * * *"' },
  timezone: {
    type: 'string',
    value: 'ZONE',
    field: 'timezone',
    description: 'IANA time zone the cron is read in, e.g. Europe/Prague',
  },
  mirror: { type: 'boolean', field: 'mirror', set: true, description: 'Sync in mirror mode' },
  'no-mirror': { type: 'boolean', field: 'mirror', set: false, description: 'Sync in additive mode' },
  enable: { type: 'boolean', field: 'enabled', set: true, description: 'Let the schedule fire' },
  disable: { type: 'boolean', field: 'enabled', set: false, description: 'Stop the schedule firing' },
};

export const scheduleGroup: GroupDef = {
  name: 'schedule',
  summary: 'Syncs that run on a cron schedule',
  commands: crudCommands<ScheduleResponse>({
    lookup: SCHEDULE,
    columns: [
      { header: 'name', value: (s) => s.name },
      { header: 'cron', value: (s) => s.cron },
      { header: 'timezone', value: (s) => s.timezone },
      { header: 'enabled', value: (s) => (s.enabled ? 'yes' : 'no') },
      { header: 'next run', value: (s) => s.next_run_at },
      { header: 'last task', value: (s) => s.last_task },
      { header: 'href', value: (s) => s.pulp_href },
    ],
    createOptions: OPTIONS,
    updateOptions: OPTIONS,
    createDescription: 'Needs --repository and --cron.',
    list: (ctx, query) => call(syncSchedulesList({ client: ctx.client, query })),
    read: (ctx, id) => call(syncSchedulesRead({ client: ctx.client, path: { id } })),
    create: (ctx, body) => call(syncSchedulesCreate({ client: ctx.client, body: body as CreateScheduleRequest })),
    update: (ctx, id, body) => call(syncSchedulesPartialUpdate({ client: ctx.client, path: { id }, body })),
    remove: (ctx, id) => call(syncSchedulesDelete({ client: ctx.client, path: { id } })),
  }),
};
