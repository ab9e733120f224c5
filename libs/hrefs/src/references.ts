import { hrefs, isUuid, UUID_PATTERN } from './hrefs';

/**
 * How a request names an object: its `pulp_href` (relative or absolute) or its Pulp Resource Name. Every
 * endpoint parses references here, so all of them accept the same spellings; looking the object up is the
 * caller's business (the API's resolver in apps/api/src/common/references.ts).
 *
 * A prn is `prn:<app_label>.<model>:<pk>` (pulpcore's `get_prn`): it does not change with the API root, and
 * Katello stores prns. Plugin models carry the plugin's label (`netboot.ociremote`); the core models keep
 * `core` (a repository version is `prn:core.repositoryversion:<its own uuid>`, not the repository's).
 */
export const PRN_MODELS = {
  remote: 'netboot.ociremote',
  repository: 'netboot.ocirepository',
  distribution: 'netboot.ocidistribution',
  version: 'core.repositoryversion',
  task: 'core.task',
  blob: 'netboot.blob',
  manifest: 'netboot.manifest',
  tag: 'netboot.tag',
  schedule: 'core.syncschedule',
  token: 'core.apitoken',
  exporter: 'core.pulpexporter',
  importer: 'core.pulpimporter',
} as const;

export type ObjectKind = keyof typeof PRN_MODELS;
/** Kinds whose href ends in the object's own uuid (a version's href holds the repository id and a number). */
export type FlatKind = Exclude<ObjectKind, 'version'>;

export const CONTENT_REFERENCE_KINDS = ['blob', 'manifest', 'tag'] as const satisfies readonly FlatKind[];
export type ContentReferenceKind = (typeof CONTENT_REFERENCE_KINDS)[number];

/** A repository version named by href (repository + number) or by prn (its own id). */
export type VersionReference = { id: string } | { repositoryId: string; number: number };

export function prnOf(kind: ObjectKind, id: string): string {
  return `prn:${PRN_MODELS[kind]}:${id}`;
}

/** The uuid in `prn:<model of kind>:<uuid>`, or null when the value is no prn of that kind. */
export function parsePrn(kind: ObjectKind, value: string): string | null {
  const prefix = `prn:${PRN_MODELS[kind]}:`;
  if (!value.startsWith(prefix)) return null;
  const id = value.slice(prefix.length);
  return isUuid(id) ? id : null;
}

/** The kind and uuid of a prn of any model this service has, or null. */
export function parseAnyPrn(value: string): { kind: ObjectKind; id: string } | null {
  for (const kind of Object.keys(PRN_MODELS) as ObjectKind[]) {
    const id = parsePrn(kind, value);
    if (id) return { kind, id };
  }
  return null;
}

// Made from the builders, so an href this service writes is always one it reads back.
const HOLE = '\u0000';
const HREF_PATTERNS: Record<FlatKind, RegExp> = {
  remote: hrefPattern(hrefs.remote),
  repository: hrefPattern(hrefs.repository),
  distribution: hrefPattern(hrefs.distribution),
  task: hrefPattern(hrefs.task),
  blob: hrefPattern(hrefs.blob),
  manifest: hrefPattern(hrefs.manifest),
  tag: hrefPattern(hrefs.tag),
  schedule: hrefPattern(hrefs.schedule),
  token: hrefPattern(hrefs.token),
  exporter: hrefPattern(hrefs.exporter),
  importer: hrefPattern(hrefs.importer),
};
// Nine digits keep the number inside Postgres' integer.
const VERSION_HREF = hrefPattern(hrefs.versions, '(\\d{1,9})/');

/** The uuid inside an href (relative or absolute URL) of `kind`, or null when the href is not one. */
export function parseHref(kind: FlatKind, href: string): string | null {
  return HREF_PATTERNS[kind].exec(pathOf(href))?.[1] ?? null;
}

export function parseVersionHref(href: string): { repositoryId: string; number: number } | null {
  const match = VERSION_HREF.exec(pathOf(href));
  return match ? { repositoryId: match[1]!, number: Number(match[2]) } : null;
}

/** The uuid an href or a prn of `kind` names, or null. */
export function parseReference(kind: FlatKind, value: string): string | null {
  return value.startsWith('prn:') ? parsePrn(kind, value) : parseHref(kind, value);
}

export function parseVersionReference(value: string): VersionReference | null {
  if (value.startsWith('prn:')) {
    const id = parsePrn('version', value);
    return id ? { id } : null;
  }
  return parseVersionHref(value);
}

/** A content unit's href or prn → its kind and id; null for anything else (other objects, garbage). */
export function parseContentReference(value: string): { kind: ContentReferenceKind; id: string } | null {
  for (const kind of CONTENT_REFERENCE_KINDS) {
    const id = parseReference(kind, value);
    if (id) return { kind, id };
  }
  return null;
}

/** `^<what build writes before the id>(uuid)<what it writes after><tail>$`. */
function hrefPattern(build: (id: string) => string, tail = ''): RegExp {
  const [before, after] = build(HOLE)
    .split(HOLE)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${before}(${UUID_PATTERN})${after}${tail}$`);
}

/** Clients often echo absolute URLs; the path is what names the object. */
function pathOf(href: string): string {
  if (!/^https?:\/\//i.test(href)) return href;
  try {
    return new URL(href).pathname;
  } catch {
    return href;
  }
}
