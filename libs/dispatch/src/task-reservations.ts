import { TASKS, type TaskArgs, type TaskJobName, type TaskResource } from '@app/queue';
import { API_ROOT, hrefs } from '@app/core';

/**
 * Content as a reservable resource, named as Pulp names it: orphan cleanup reserves its endpoint exclusively;
 * tasks that add or reference content hold it shared.
 */
export const CONTENT_RESOURCE_HREF = `${API_ROOT}/orphans/cleanup/`;

function resourceHref(resource: TaskResource): string {
  switch (resource.kind) {
    case 'content':
      return CONTENT_RESOURCE_HREF;
    case 'repository':
      return hrefs.repository(resource.id);
    case 'remote':
      return hrefs.remote(resource.id);
  }
}

/** A task's `reserved_resources` as Pulp shows them: hrefs, `shared:` before those held shared. */
export function reservedResources<K extends TaskJobName>(job: K, args: TaskArgs[K]): string[] {
  return TASKS[job]
    .reserves(args)
    .map(({ resource, mode }) => (mode === 'shared' ? 'shared:' : '') + resourceHref(resource));
}
