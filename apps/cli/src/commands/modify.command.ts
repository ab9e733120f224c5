import { repositoriesNetbootOciModify } from '../../../../openapi/client/sdk.gen';
import type { ModifyRequest } from '../../../../openapi/client/types.gen';
import { bodyFrom } from '../args/option-values';
import { call } from '../api/api-client';
import { API_ROOT, idOf, resolveHref } from '../api/href';
import { UsageError } from '../cli-error';
import { reportOutcome, waitForTask } from '../progress/task-wait';
import type { CommandDef, Context, OptionDef } from './command.types';
import { REPOSITORY } from './lookups';
import { printStartedTask } from './started-task';

/** A version href or PRN as is; `NAME@N` (or `HREF@N`) is version N of that repository. */
async function versionRef(raw: string, ctx: Context, flag: string): Promise<string> {
  if (raw.startsWith('prn:') || (raw.startsWith(API_ROOT) && raw.includes('/versions/'))) return raw;
  const at = raw.lastIndexOf('@');
  const number = raw.slice(at + 1);
  if (at <= 0 || !/^\d+$/.test(number)) {
    throw new UsageError(`${flag} must be REPOSITORY@NUMBER, a version href or a PRN, not "${raw}"`);
  }
  return `${await resolveHref(ctx, REPOSITORY, raw.slice(0, at))}versions/${number}/`;
}

const OPTIONS: Record<string, OptionDef> = {
  add: {
    type: 'string',
    multiple: true,
    value: 'REF',
    field: 'add_content_units',
    description: 'Add this content unit (href or PRN of a tag, manifest or blob); repeatable',
  },
  remove: {
    type: 'string',
    multiple: true,
    value: 'REF',
    field: 'remove_content_units',
    description: 'Remove this content unit (href or PRN), or "*" for everything; repeatable',
  },
  'base-version': {
    type: 'string',
    value: 'VERSION',
    field: 'base_version',
    convert: versionRef,
    description: "Start from this version (REPOSITORY@N, href or PRN) instead of the repository's latest",
  },
  'no-overwrite': {
    type: 'boolean',
    field: 'overwrite',
    set: false,
    description: 'Refuse an added tag whose name the version already has for another manifest',
  },
};

export const modifyCommand: CommandDef = {
  name: 'modify',
  summary: 'Add and remove content, or promote another version, into one new version',
  args: ['NAME|HREF'],
  description: `Starts a modify task: removes --remove units, then adds --add units, starting from --base-version
when given (promote: \`bootdepot repository modify production --base-version testing@4\`). A tag brings its
manifest and files; removing a tag or index also removes what nothing remaining references. Nothing changed
means no new version. With --wait, prints the created version.`,
  options: { ...OPTIONS, wait: { type: 'boolean', description: 'Wait for the task' } },
  async run(ctx, [target], values) {
    const repository = await resolveHref(ctx, REPOSITORY, target!);
    const body = (await bodyFrom(ctx, OPTIONS, values)) as ModifyRequest;
    const { task } = await call(
      repositoriesNetbootOciModify({ client: ctx.client, path: { id: idOf(repository) }, body }),
    );
    if (!values.wait) return printStartedTask(ctx, task);
    return reportOutcome(ctx, await waitForTask(ctx, task), (done) => {
      const versions = done.created_resources.filter((href) => href.includes('/versions/'));
      if (versions.length === 0) ctx.io.out('modify completed: nothing changed, no new version\n');
      for (const href of versions) ctx.io.out(`modify completed: created version ${idOf(href)} ${href}\n`);
    });
  },
};
