import {
  exportersNetbootPulpCreate,
  exportersNetbootPulpDelete,
  exportersNetbootPulpExportsCreate,
  exportersNetbootPulpExportsList,
  exportersNetbootPulpList,
  exportersNetbootPulpPartialUpdate,
  exportersNetbootPulpRead,
  importersNetbootPulpCreate,
  importersNetbootPulpDelete,
  importersNetbootPulpImportsCreate,
  importersNetbootPulpList,
  importersNetbootPulpPartialUpdate,
  importersNetbootPulpRead,
} from '../../../../openapi/client/sdk.gen';
import type {
  CreateExporterRequest,
  CreateImporterRequest,
  ExporterResponse,
  ExportResponse,
  ImporterResponse,
} from '../../../../openapi/client/types.gen';
import { resolve } from 'node:path';
import { call } from '../api/api-client';
import { byName, idOf, resolveHref, type Lookup } from '../api/href';
import { UsageError } from '../cli-error';
import { printPage } from '../output/printer';
import { reportOutcome, waitForTask } from '../progress/task-wait';
import type { CommandDef, Context, GroupDef, OptionDef, OptionValues } from './command.types';
import { crudCommands, LIST_OPTIONS, listQuery } from './crud.commands';
import { repositoryVersion } from './distribution.commands';
import { reference, REPOSITORY } from './lookups';
import { printStartedTask } from './started-task';

const V3 = '/pulp/api/v3';
const EXPORTER: Lookup = {
  noun: 'exporter',
  prefix: `${V3}/exporters/netboot/pulp/`,
  findByName: byName(exportersNetbootPulpList),
};
const IMPORTER: Lookup = {
  noun: 'importer',
  prefix: `${V3}/importers/netboot/pulp/`,
  findByName: byName(importersNetbootPulpList),
};

const EXPORTER_OPTIONS: Record<string, OptionDef> = {
  path: {
    type: 'string',
    value: 'DIR',
    field: 'path',
    convert: (raw) => resolve(raw),
    description: 'Write exports to DIR (under the server’s ALLOWED_EXPORT_PATHS)',
  },
  repository: {
    type: 'string',
    value: 'REPO',
    multiple: true,
    field: 'repositories',
    convert: reference(REPOSITORY),
    description: 'A repository it may export (name or href); repeat for more',
  },
};

/** `--map fedora=fedora-mirror` (exported name = local repository name or href), repeatable. */
const IMPORTER_OPTIONS: Record<string, OptionDef> = {
  map: {
    type: 'string',
    value: 'EXPORTED=LOCAL',
    multiple: true,
    description: 'Import the exported repository EXPORTED into local repository LOCAL (name or href); repeatable',
  },
};

async function repoMapping(ctx: Context, values: OptionValues, body: Record<string, unknown>) {
  const entries = values.map;
  if (!Array.isArray(entries)) return;
  const mapping: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`--map takes EXPORTED=LOCAL, not "${entry}"`);
    mapping[entry.slice(0, at)] = await resolveHref(ctx, REPOSITORY, entry.slice(at + 1));
  }
  body.repo_mapping = mapping;
}

const exportCreate: CommandDef = {
  name: 'create',
  summary: 'Export repository versions to tar files and a TOC',
  args: ['EXPORTER'],
  description: `Starts an export task writing into the exporter's directory. With --wait, follows it with a progress
bar and prints the TOC's path (carry it and the tar files it lists to the other site). --start-version makes
it incremental: only what that version did not hold travels.`,
  options: {
    version: {
      type: 'string',
      value: 'REPO:N',
      multiple: true,
      description: 'A version to export (REPO:N or href); repeat for more repositories',
    },
    'start-version': {
      type: 'string',
      value: 'REPO:N',
      multiple: true,
      description: 'The version the other site already has (incremental export)',
    },
    'chunk-size': { type: 'string', value: 'SIZE', description: 'Cut the tar into files of SIZE (4GB, 512MB)' },
    wait: { type: 'boolean', description: 'Wait for the task, showing progress' },
  },
  async run(ctx, [target], values) {
    const exporter = await resolveHref(ctx, EXPORTER, target!);
    const versions = (values.version as string[] | undefined) ?? [];
    if (versions.length === 0) throw new UsageError('give at least one --version REPO:N', ['export', 'create']);
    const refs = (list: unknown, flag: string) =>
      Promise.all(
        ((list as string[] | undefined) ?? []).map((v) => repositoryVersion(v, ctx, flag) as Promise<string>),
      );
    const body = {
      versions: await refs(versions, '--version'),
      ...(values['start-version'] !== undefined && {
        start_versions: await refs(values['start-version'], '--start-version'),
      }),
      ...(typeof values['chunk-size'] === 'string' && { chunk_size: values['chunk-size'] }),
    };
    const { task } = await call(
      exportersNetbootPulpExportsCreate({ client: ctx.client, path: { id: idOf(exporter) }, body }),
    );
    if (!values.wait) return printStartedTask(ctx, task);
    const outcome = await waitForTask(ctx, task);
    // The TOC's path is what the admin carries away: look it up before describing the outcome.
    const page =
      outcome.kind === 'finished' && outcome.task.state === 'completed'
        ? await call(exportersNetbootPulpExportsList({ client: ctx.client, path: { id: idOf(exporter) } }))
        : { results: [] as ExportResponse[] };
    return reportOutcome(ctx, outcome, (done) => {
      for (const href of done.created_resources) {
        const made = page.results.find((e) => e.pulp_href === href);
        ctx.io.out(`export completed: ${made?.toc_info?.file ?? href}\n`);
      }
    });
  },
};

const exportList: CommandDef = {
  name: 'list',
  summary: "List an exporter's exports, newest first",
  args: ['EXPORTER'],
  options: LIST_OPTIONS,
  async run(ctx, [target], values) {
    const exporter = await resolveHref(ctx, EXPORTER, target!);
    const page = await call(
      exportersNetbootPulpExportsList({
        client: ctx.client,
        path: { id: idOf(exporter) },
        query: listQuery(ctx, values),
      }),
    );
    printPage<ExportResponse>(ctx, page, [
      { header: 'created', value: (e) => e.pulp_created },
      { header: 'versions', value: (e) => e.params.versions.map((v) => v.replace(/^.*\/oci\//, '')) },
      { header: 'incremental', value: (e) => (e.params.start_versions.length ? 'yes' : 'no') },
      { header: 'files', value: (e) => Object.keys(e.output_file_info).length, align: 'right' },
      { header: 'toc', value: (e) => e.toc_info?.file },
    ]);
  },
};

const importRun: CommandDef = {
  name: 'run',
  summary: 'Import an export from its TOC file',
  args: ['IMPORTER'],
  description: `Starts an import task: every file the TOC lists is checked (size, sha256) before anything is read,
then every blob against its digest. With --wait, shows progress and prints the versions created; importing
the same export twice creates nothing. Exits 3 when the import fails (a corrupt or missing file is named).`,
  options: {
    toc: { type: 'string', value: 'FILE', description: 'The export’s TOC (under the server’s ALLOWED_IMPORT_PATHS)' },
    wait: { type: 'boolean', description: 'Wait for the task, showing progress' },
  },
  async run(ctx, [target], values) {
    if (typeof values.toc !== 'string') throw new UsageError('give --toc FILE', ['import', 'run']);
    const importer = await resolveHref(ctx, IMPORTER, target!);
    const { task } = await call(
      importersNetbootPulpImportsCreate({
        client: ctx.client,
        path: { id: idOf(importer) },
        body: { toc: resolve(values.toc) },
      }),
    );
    if (!values.wait) return printStartedTask(ctx, task);
    return reportOutcome(ctx, await waitForTask(ctx, task), (done) => {
      const versions = done.created_resources.filter((href) => href.includes('/versions/'));
      if (versions.length === 0) ctx.io.out('import completed: everything was already here, no new version\n');
      for (const href of versions) ctx.io.out(`import completed: created version ${idOf(href)} ${href}\n`);
    });
  },
};

export const exporterGroup: GroupDef = {
  name: 'exporter',
  summary: 'Where exports for disconnected sites are written',
  commands: crudCommands<ExporterResponse>({
    lookup: EXPORTER,
    columns: [
      { header: 'name', value: (e) => e.name },
      { header: 'path', value: (e) => e.path },
      { header: 'repositories', value: (e) => e.repositories.length, align: 'right' },
      { header: 'href', value: (e) => e.pulp_href },
    ],
    createOptions: EXPORTER_OPTIONS,
    updateOptions: EXPORTER_OPTIONS,
    createDescription: 'Needs --path and at least one --repository.',
    list: (ctx, query) => call(exportersNetbootPulpList({ client: ctx.client, query })),
    read: (ctx, id) => call(exportersNetbootPulpRead({ client: ctx.client, path: { id } })),
    create: (ctx, body) =>
      call(
        exportersNetbootPulpCreate({
          client: ctx.client,
          body: { repositories: [], ...body } as unknown as CreateExporterRequest,
        }),
      ),
    update: (ctx, id, body) => call(exportersNetbootPulpPartialUpdate({ client: ctx.client, path: { id }, body })),
    remove: (ctx, id) => call(exportersNetbootPulpDelete({ client: ctx.client, path: { id } })),
  }),
};

export const exportGroup: GroupDef = {
  name: 'export',
  summary: 'Export repository versions for a disconnected site',
  commands: [exportCreate, exportList],
};

export const importerGroup: GroupDef = {
  name: 'importer',
  summary: 'Which local repositories exports are imported into',
  commands: crudCommands<ImporterResponse>({
    lookup: IMPORTER,
    columns: [
      { header: 'name', value: (i) => i.name },
      { header: 'mapping', value: (i) => Object.keys(i.repo_mapping) },
      { header: 'href', value: (i) => i.pulp_href },
    ],
    createOptions: IMPORTER_OPTIONS,
    updateOptions: IMPORTER_OPTIONS,
    createDescription: 'Exported repositories without --map import into the local repository of the same name.',
    completeBody: (ctx, values, body) => repoMapping(ctx, values, body),
    list: (ctx, query) => call(importersNetbootPulpList({ client: ctx.client, query })),
    read: (ctx, id) => call(importersNetbootPulpRead({ client: ctx.client, path: { id } })),
    create: (ctx, body) =>
      call(importersNetbootPulpCreate({ client: ctx.client, body: body as CreateImporterRequest })),
    update: (ctx, id, body) => call(importersNetbootPulpPartialUpdate({ client: ctx.client, path: { id }, body })),
    remove: (ctx, id) => call(importersNetbootPulpDelete({ client: ctx.client, path: { id } })),
  }),
};

export const importGroup: GroupDef = {
  name: 'import',
  summary: 'Import an export from another site',
  commands: [importRun],
};
