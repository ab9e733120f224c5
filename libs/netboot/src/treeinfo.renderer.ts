import { type Digest, isDigest } from '@app/oci';
import { UnsafeBootParameterError } from './netboot.errors';
import { rpmArch } from './platform';

export interface TreeinfoVariant {
  uid: string;
  name?: string;
  /** Relative paths of a package repository, only when the tree really has one. */
  repository?: string;
  packages?: string;
}

export interface TreeinfoInput {
  /** Release name, e.g. "Fedora"; also the legacy `[general] family`. */
  name: string;
  short?: string;
  version: string;
  /** Either spelling; written as the RPM arch (`x86_64`). */
  arch: string;
  /** Defaults to `[arch]`. */
  platforms?: string[];
  /** Unix seconds. */
  buildTimestamp: number;
  releaseType?: string;
  /** Defaults to one variant named after `short`; productmd wants at least one. */
  variants?: TreeinfoVariant[];
  /** Every file in the tree with its tree path (see `treePathsFor`); all are listed in `[checksums]`. */
  files: Array<{ path: string; digest: Digest }>;
}

const IMAGE_KEYS: ReadonlyArray<readonly [key: string, path: string]> = [
  ['kernel', 'images/pxeboot/vmlinuz'],
  ['initrd', 'images/pxeboot/initrd.img'],
  ['boot.iso', 'images/boot.iso'],
];
const STAGE2_PATH = 'images/install.img';
const PATH_RE = /^[A-Za-z0-9._+-]+(\/[A-Za-z0-9._+-]+)*$/;
const ID_RE = /^[A-Za-z0-9._+-]+$/;

function value(text: string, what: string): string {
  if (/[\u0000-\u001f\u007f]/.test(text) || text !== text.trim() || text.length === 0) {
    throw new UnsafeBootParameterError(`.treeinfo ${what} ${JSON.stringify(text)} is empty or has control characters`);
  }
  return text;
}

function id(text: string, what: string): string {
  if (!ID_RE.test(text))
    throw new UnsafeBootParameterError(`.treeinfo ${what} ${JSON.stringify(text)} is not a plain id`);
  return text;
}

function path(text: string): string {
  if (!PATH_RE.test(text) || text.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new UnsafeBootParameterError(`.treeinfo path ${JSON.stringify(text)} is not a plain relative path`);
  }
  return text;
}

/**
 * A `.treeinfo` in productmd format 1.2 plus the legacy `[general]` section pre-productmd parsers read.
 * Sections and keys are sorted, as productmd recommends, so the output is byte-stable for caching.
 */
export function renderTreeinfo(input: TreeinfoInput): string {
  const arch = id(rpmArch(input.arch), 'arch');
  const platforms = (input.platforms ?? [arch]).map((platform) => id(platform, 'platform'));
  const short = id(input.short ?? input.name.replace(/\s+/g, ''), 'short name');
  const variants = input.variants ?? [{ uid: short, name: input.name }];
  if (variants.length === 0) throw new UnsafeBootParameterError('.treeinfo needs at least one variant');
  if (!Number.isFinite(input.buildTimestamp) || input.buildTimestamp < 0) {
    throw new UnsafeBootParameterError(`.treeinfo buildTimestamp ${input.buildTimestamp} is not a unix time`);
  }
  const timestamp = String(Math.floor(input.buildTimestamp));
  const files = new Map<string, Digest>();
  for (const file of input.files) {
    if (!isDigest(file.digest)) throw new UnsafeBootParameterError(`.treeinfo digest of ${file.path} is invalid`);
    files.set(path(file.path), file.digest);
  }

  const sections: Record<string, Record<string, string>> = {
    header: { type: 'productmd.treeinfo', version: '1.2' },
    release: {
      is_layered: 'false',
      name: value(input.name, 'name'),
      short,
      type: id(input.releaseType ?? 'ga', 'release type'),
      version: value(input.version, 'version'),
    },
    tree: {
      arch,
      build_timestamp: timestamp,
      platforms: platforms.join(','),
      variants: variants.map((variant) => id(variant.uid, 'variant uid')).join(','),
    },
    checksums: Object.fromEntries([...files].map(([filePath, digest]) => [filePath, digest])),
  };
  const images = Object.fromEntries(IMAGE_KEYS.filter(([, p]) => files.has(p)));
  for (const platform of platforms) {
    // Only the primary platform boots the ISO; the others (e.g. xen) get kernel and initrd, as in Fedora.
    const entries =
      platform === arch ? images : Object.fromEntries(Object.entries(images).filter(([k]) => k !== 'boot.iso'));
    if (Object.keys(entries).length > 0) sections[`images-${platform}`] = entries;
  }
  if (files.has(STAGE2_PATH)) sections.stage2 = { mainimage: STAGE2_PATH };
  for (const variant of variants) {
    const section: Record<string, string> = {
      id: variant.uid,
      name: value(variant.name ?? variant.uid, 'variant name'),
      type: 'variant',
      uid: variant.uid,
    };
    if (variant.packages) section.packages = path(variant.packages);
    if (variant.repository) section.repository = variant.repository === '.' ? '.' : path(variant.repository);
    sections[`variant-${variant.uid}`] = section;
  }
  const first = [...variants].sort((a, b) => a.uid.localeCompare(b.uid))[0];
  const general: Record<string, string> = {
    arch,
    family: sections.release.name,
    name: `${sections.release.name} ${sections.release.version}`,
    platforms: sections.tree.platforms,
    timestamp,
    variant: first.uid,
    version: sections.release.version,
  };
  if (images.kernel) general.kernel = images.kernel;
  if (images.initrd) general.initrd = images.initrd;
  if (first.packages) general.packagedir = first.packages;
  if (first.repository) general.repository = first.repository;
  sections.general = general;

  return writeIni(sections, {
    general: [
      '; WARNING.0 = This section provides compatibility with pre-productmd treeinfos.',
      '; WARNING.1 = Read productmd documentation for details about new format.',
    ],
  });
}

function writeIni(sections: Record<string, Record<string, string>>, comments: Record<string, string[]>): string {
  const blocks = Object.keys(sections)
    .sort()
    .map((name) => {
      const entries = Object.entries(sections[name]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return [`[${name}]`, ...(comments[name] ?? []), ...entries.map(([key, val]) => `${key} = ${val}`)].join('\n');
    });
  return `${blocks.join('\n\n')}\n`;
}
