import { tasksCancel, tasksList, tasksRead } from '../../../../openapi/client/sdk.gen';
import type { TaskResponse } from '../../../../openapi/client/types.gen';
import { oneOf } from '../args/option-values';
import { call } from '../api/api-client';
import { API_ROOT, idOf } from '../api/href';
import { UsageError } from '../cli-error';
import { printObject, printPage } from '../output/printer';
import type { GroupDef } from './command.types';
import { LIST_OPTIONS, listQuery } from './crud.commands';
import { taskPurgeCommand } from './task-purge.command';

const STATES = ['waiting', 'running', 'completed', 'failed', 'canceling', 'canceled'] as const;

/** Tasks have no names: they are named by href or by the id at its end. */
function taskId(ref: string): string {
  if (ref.startsWith(API_ROOT) && !ref.startsWith(`${API_ROOT}tasks/`))
    throw new UsageError(`${ref} is not a task href`);
  return idOf(ref);
}

export const taskGroup: GroupDef = {
  name: 'task',
  summary: 'Background work: syncs, cleanups, repairs',
  commands: [
    {
      name: 'list',
      summary: 'List tasks, newest first',
      options: {
        ...LIST_OPTIONS,
        state: { type: 'string', value: 'STATE', description: STATES.join(', ') },
        name: { type: 'string', value: 'TEXT', description: 'Only tasks whose name contains TEXT' },
      },
      async run(ctx, _args, values) {
        const query = {
          ...listQuery(ctx, values),
          ordering: '-pulp_created',
          ...(typeof values.state === 'string' && { state: oneOf(STATES)(values.state, ctx, '--state') }),
          ...(typeof values.name === 'string' && { name__contains: values.name }),
        };
        const page = await call(tasksList({ client: ctx.client, query }));
        printPage<TaskResponse>(ctx, page, [
          { header: 'id', value: (t) => idOf(t.pulp_href) },
          { header: 'name', value: (t) => t.name },
          { header: 'state', value: (t) => t.state },
          { header: 'created', value: (t) => t.pulp_created },
          { header: 'finished', value: (t) => t.finished_at },
          { header: 'error', value: (t) => t.error?.description },
        ]);
      },
    },
    {
      name: 'show',
      summary: 'Show a task with its progress, error and created resources',
      args: ['ID|HREF'],
      async run(ctx, [ref]) {
        printObject(ctx, await call(tasksRead({ client: ctx.client, path: { id: taskId(ref!) } })));
      },
    },
    {
      name: 'cancel',
      summary: 'Cancel a waiting or running task',
      args: ['ID|HREF'],
      async run(ctx, [ref]) {
        const body = { state: 'canceled' as const };
        printObject(ctx, await call(tasksCancel({ client: ctx.client, path: { id: taskId(ref!) }, body })));
      },
    },
    taskPurgeCommand,
  ],
};
