/**
 * The description of each tag (`@ApiTags(...)` on a controller) for the document's top-level `tags` list,
 * which generators turn into API classes and their docs. A controller with a new tag adds a line here.
 */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  'API tokens':
    'Bearer tokens for scripts and integrations (Foreman/Katello): created once, shown once, revocable at once.',
  'Content: Netboot':
    'Content units synced from registries: manifests and indexes (with the files they carry, by title), blobs and tags.',
  'Distributions: Netboot OCI':
    'Where a repository, or one pinned version of it, is served to booting hosts: `/pulp/content/<base_path>/`.',
  'Exporters: Pulp':
    'Where exports of repository versions are written (a directory under `ALLOWED_EXPORT_PATHS`), for sites with no network path.',
  'Exporters: Pulp Exports':
    'Exports of repository versions: tar files (chunked for removable media) and a TOC with every file’s size and sha256.',
  'Importers: Pulp':
    'Imports exports into local repositories (`repo_mapping`), verifying every file and blob; one new version per exported version.',
  Orphans: 'Removes content and files that no repository version references any more.',
  'Remotes: Netboot OCI':
    'Where content comes from: a repository in an OCI registry, its credentials, tag filters and download policy.',
  'Repositories: Netboot OCI':
    'Named histories of immutable, numbered versions of content; syncs, repairs and reclaiming disk space.',
  Status: 'Health of the service: versions, database and Redis connections, online processes, storage.',
  'Sync schedules': 'Cron schedules that sync a repository from a remote.',
  Tasks: 'Long-running work (syncs, repairs, cleanups): state, progress, what it created, why it failed.',
};
