import { orphansCleanupCleanup } from '../../../../openapi/client/sdk.gen';
import { integer } from '../args/option-values';
import { call } from '../api/api-client';
import { reportOutcome, waitForTask } from '../progress/task-wait';
import type { GroupDef } from './command.types';
import { printStartedTask } from './started-task';

export const orphansGroup: GroupDef = {
  name: 'orphans',
  summary: 'Free disk taken by content no repository version references',
  commands: [
    {
      name: 'cleanup',
      summary: 'Remove orphaned content and files',
      options: {
        'protection-minutes': {
          type: 'string',
          value: 'N',
          description: 'Keep orphans younger than N minutes (server default otherwise)',
        },
        wait: { type: 'boolean', description: 'Wait for the task, showing progress' },
      },
      async run(ctx, _args, values) {
        const minutes = values['protection-minutes'];
        const body =
          typeof minutes === 'string' ? { orphan_protection_time: integer(minutes, ctx, '--protection-minutes') } : {};
        const { task } = await call(orphansCleanupCleanup({ client: ctx.client, body }));
        if (!values.wait) return printStartedTask(ctx, task);
        return reportOutcome(ctx, await waitForTask(ctx, task), () => ctx.io.out('orphan cleanup completed\n'));
      },
    },
  ],
};
