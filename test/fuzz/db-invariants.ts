import type { Stack } from '../support/stack';

/**
 * Statements that must return no rows in a consistent database, each naming what it guards. They restate
 * promises the API makes (one latest version, content ranges, distribution targets, task life cycle) so a
 * request that half-applied a change shows up here even when it answered 4xx.
 */
export const INVARIANTS: Record<string, string> = {
  'every repository has at least one version (version 0 is created with it)': `
    SELECT r.id FROM repositories r
     WHERE NOT EXISTS (SELECT 1 FROM repository_versions v WHERE v.repository_id = r.id)`,
  'version numbers are below the repository next_version counter': `
    SELECT v.id FROM repository_versions v JOIN repositories r ON r.id = v.repository_id
     WHERE v.number < 0 OR v.number >= r.next_version`,
  'repository_content ranges are non-empty': `
    SELECT id FROM repository_content WHERE version_removed IS NOT NULL AND version_removed <= version_added`,
  'repository_content ranges start at a version the repository has numbered': `
    SELECT rc.id FROM repository_content rc JOIN repositories r ON r.id = rc.repository_id
     WHERE rc.version_added >= r.next_version OR rc.version_added < 0`,
  'a distribution serves a repository or a pinned version, never both': `
    SELECT id FROM distributions WHERE repository_id IS NOT NULL AND repository_version_id IS NOT NULL`,
  'no base_path nests inside another': `
    SELECT a.id FROM distributions a JOIN distributions b ON a.id <> b.id
     WHERE b.base_path LIKE a.base_path || '/%'`,
  'base paths are plain segments': `
    SELECT id FROM distributions WHERE base_path !~ '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$'
        OR base_path ~ '(^|/)\\.\\.?(/|$)'`,
  'tasks are in a known state': `
    SELECT id FROM tasks WHERE state NOT IN ('waiting', 'running', 'completed', 'failed', 'canceling', 'canceled')`,
  'finished tasks have a finish time and unfinished ones none': `
    SELECT id FROM tasks
     WHERE (state IN ('completed', 'failed', 'canceled')) <> (finished_at IS NOT NULL)`,
  'failed tasks say why; completed ones carry no error': `
    SELECT id FROM tasks
     WHERE (state = 'failed' AND (error IS NULL OR coalesce(error->>'description', '') = ''))
        OR (state = 'completed' AND error IS NOT NULL)`,
  'schedules point at existing repositories': `
    SELECT s.id FROM sync_schedules s LEFT JOIN repositories r ON r.id = s.repository_id WHERE r.id IS NULL`,
};

export async function invariantViolations(stack: Stack): Promise<Record<string, unknown[]>> {
  const violations: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(INVARIANTS)) {
    const rows = await stack.sql(sql);
    if (rows.length) violations[name] = rows.slice(0, 5);
  }
  return violations;
}
