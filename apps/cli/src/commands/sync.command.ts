import { repositoriesNetbootOciSync } from '../../../../openapi/client/sdk.gen';
import type { SyncRequest } from '../../../../openapi/client/types.gen';
import { call } from '../api/api-client';
import { idOf, resolveHref } from '../api/href';
import { reportOutcome, waitForTask } from '../progress/task-wait';
import type { CommandDef } from './command.types';
import { REMOTE, REPOSITORY } from './lookups';
import { signatureLines } from './signature-lines';
import { printStartedTask } from './started-task';

export const syncCommand: CommandDef = {
  name: 'sync',
  summary: 'Sync a repository from its remote into a new version',
  args: ['NAME|HREF'],
  description: `Starts a sync task. With --wait, follows it with a progress bar on stderr (plain lines when stderr
is not a terminal), prints the created version, and exits 0 when it completes or 3 when it fails or is
canceled (printing why). Ctrl-C while waiting cancels the task and exits 130.`,
  options: {
    remote: {
      type: 'string',
      value: 'REMOTE',
      description: "Sync from this remote (name or href) instead of the repository's",
    },
    mirror: {
      type: 'boolean',
      description: 'Make the new version match upstream exactly (removes what upstream dropped)',
    },
    wait: { type: 'boolean', description: 'Wait for the task, showing progress' },
  },
  async run(ctx, [target], values) {
    const repository = await resolveHref(ctx, REPOSITORY, target!);
    const body: SyncRequest = {
      ...(typeof values.remote === 'string' && { remote: await resolveHref(ctx, REMOTE, values.remote) }),
      ...(values.mirror === true && { mirror: true }),
    };
    const { task } = await call(
      repositoriesNetbootOciSync({ client: ctx.client, path: { id: idOf(repository) }, body }),
    );
    if (!values.wait) return printStartedTask(ctx, task);
    return reportOutcome(ctx, await waitForTask(ctx, task), (done) => {
      const versions = done.created_resources.filter((href) => href.includes('/versions/'));
      if (versions.length === 0) ctx.io.out('sync completed: nothing changed, no new version\n');
      for (const href of versions) ctx.io.out(`sync completed: created version ${idOf(href)} ${href}\n`);
      for (const line of signatureLines(done.progress_reports)) ctx.io.out(`${line}\n`);
    });
  },
};
