import { tasksPurge } from '../../../../openapi/client/sdk.gen';
import type { PurgeTasksRequest } from '../../../../openapi/client/types.gen';
import { bodyFrom, oneOf } from '../args/option-values';
import { call } from '../api/api-client';
import { reportOutcome, waitForTask } from '../progress/task-wait';
import type { CommandDef, OptionDef } from './command.types';
import { printStartedTask } from './started-task';

const FINAL_STATES = ['completed', 'failed', 'canceled'] as const;

const OPTIONS: Record<string, OptionDef> = {
  'finished-before': {
    type: 'string',
    value: 'TIME',
    field: 'finished_before',
    description: 'Purge tasks that finished before this ISO date or time (default: 30 days ago)',
  },
  state: {
    type: 'string',
    multiple: true,
    value: 'STATE',
    field: 'states',
    convert: oneOf(FINAL_STATES),
    description: `Purge tasks in this state (${FINAL_STATES.join(', ')}; default completed); repeatable`,
  },
};

export const taskPurgeCommand: CommandDef = {
  name: 'purge',
  summary: 'Delete the records of old finished tasks',
  options: { ...OPTIONS, wait: { type: 'boolean', description: 'Wait for the task' } },
  async run(ctx, _args, values) {
    const body = (await bodyFrom(ctx, OPTIONS, values)) as PurgeTasksRequest;
    const { task } = await call(tasksPurge({ client: ctx.client, body }));
    if (!values.wait) return printStartedTask(ctx, task);
    return reportOutcome(ctx, await waitForTask(ctx, task), (done) => {
      const purged = done.progress_reports.find((r) => r.code === 'purge.tasks.key.core.Task')?.done ?? 0;
      ctx.io.out(`purge completed: ${purged} task(s) deleted\n`);
    });
  },
};
