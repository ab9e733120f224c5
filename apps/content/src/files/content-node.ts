import { normalizeArch, type TreePath, treePathsFor } from '@app/netboot';
import { isDigest } from '@app/oci';
import type {
  BlobRef,
  DistributionView,
  FileRef,
  IndexChild,
  ManifestView,
  VersionView,
} from '../resolve/content-views';

export type GeneratedName = '.treeinfo' | 'boot.ipxe' | 'grub.cfg';

export interface ListingEntry {
  name: string;
  type: 'directory' | 'file';
  size?: number;
  digest?: string;
}

/** An image manifest reached by a path, with what the path says about it. */
export interface ArtifactContext {
  distribution: DistributionView;
  version: VersionView;
  manifest: ManifestView;
  /** The tag the path started with, when it did not start with a digest. */
  tag?: string;
  /** The index entry the path went through (`<T>/<arch>/…`), if any. */
  platform?: IndexChild;
}

export type ContentNode =
  | { kind: 'listing'; entries: ListingEntry[] }
  | { kind: 'file'; name: string; blob: BlobRef }
  | { kind: 'generated'; name: GeneratedName; artifact: ArtifactContext };

export interface ResolvedNode {
  node: ContentNode;
  /** The path named a manifest digest: the bytes can never change. */
  pinned: boolean;
}

const GENERATED: readonly GeneratedName[] = ['.treeinfo', 'boot.ipxe', 'grub.cfg'];

/** Resolves the path below a distribution's base path; null means 404. */
export function resolveInVersion(
  distribution: DistributionView,
  version: VersionView,
  rest: readonly string[],
): ResolvedNode | null {
  if (rest.length === 0) {
    const entries = version.tagNames.map((name): ListingEntry => ({
      name,
      type: 'directory',
      digest: version.tags.get(name)!.digest,
    }));
    return { node: { kind: 'listing', entries }, pinned: false };
  }
  const ref = rest[0];
  const sub = rest.slice(1);
  const pinned = isDigest(ref);
  const manifest = pinned ? version.manifests.get(ref) : version.tags.get(ref);
  if (!manifest) return null;
  const tag = pinned ? undefined : ref;
  if (!manifest.isIndex) {
    const node = resolveInArtifact({ distribution, version, manifest, tag }, sub);
    return node && { node, pinned };
  }
  if (sub.length === 0) {
    const entries = manifest.children
      .filter((child) => child.architecture)
      .map((child): ListingEntry => ({
        name: child.architecture!,
        type: 'directory',
        digest: version.manifestsById.get(child.manifestId)?.digest,
      }));
    return { node: { kind: 'listing', entries: dedupe(entries) }, pinned };
  }
  const below = sub.slice(1);
  const wanted = normalizeArch(sub[0]);
  const platform =
    manifest.children.find((c) => c.architecture && normalizeArch(c.architecture) === wanted && c.os === 'linux') ??
    manifest.children.find((c) => c.architecture && normalizeArch(c.architecture) === wanted);
  const child = platform && version.manifestsById.get(platform.manifestId);
  if (!child || child.isIndex) return null;
  const node = resolveInArtifact({ distribution, version, manifest: child, tag, platform }, below);
  return node && { node, pinned };
}

interface ArtifactTree {
  paths: TreePath<FileRef>[];
  /** Has a kernel and an initrd where boot scripts point: gets boot.ipxe and grub.cfg. */
  bootable: boolean;
}

/** Manifest views are immutable: their kickstart-tree layout is worked out once (not per request). */
const treeOf = new WeakMap<ManifestView, ArtifactTree>();

function treeOfManifest(manifest: ManifestView): ArtifactTree {
  let tree = treeOf.get(manifest);
  if (!tree) {
    const paths = treePathsFor([...manifest.files.values()]);
    const has = (path: string) => paths.some((entry) => entry.path === path);
    tree = { paths, bootable: has('images/pxeboot/vmlinuz') && has('images/pxeboot/initrd.img') };
    treeOf.set(manifest, tree);
  }
  return tree;
}

function resolveInArtifact(artifact: ArtifactContext, sub: readonly string[]): ContentNode | null {
  const { files } = artifact.manifest;
  if (sub.length === 1) {
    const file = files.get(sub[0]);
    if (file) return { kind: 'file', name: file.title, blob: file };
  }
  const { paths: tree, bootable } = treeOfManifest(artifact.manifest);
  if (sub.length === 1) {
    if ((GENERATED as readonly string[]).includes(sub[0])) {
      const name = sub[0] as GeneratedName;
      // Never invent: a tree without a kernel gets no boot script, one without tree files no .treeinfo.
      if (name === '.treeinfo' ? tree.length > 0 : bootable) return { kind: 'generated', name, artifact };
      return null;
    }
  }
  const path = sub.join('/');
  const hit = tree.find((entry) => entry.path === path);
  if (hit) return { kind: 'file', name: sub[sub.length - 1], blob: hit.file };
  const prefix = path === '' ? '' : `${path}/`;
  const below = tree.filter((entry) => entry.path.startsWith(prefix) && entry.path !== path);
  if (sub.length > 0 && below.length === 0) return null;
  const entries: ListingEntry[] = [];
  const dirs = new Set<string>();
  for (const entry of below) {
    const rest = entry.path.slice(prefix.length).split('/');
    if (rest.length > 1) dirs.add(rest[0]);
    else if (sub.length > 0 || !files.has(rest[0])) {
      entries.push({ name: rest[0], type: 'file', size: entry.file.size, digest: entry.file.digest });
    }
  }
  if (sub.length === 0) {
    for (const file of files.values())
      entries.push({ name: file.title, type: 'file', size: file.size, digest: file.digest });
    for (const name of GENERATED) {
      if (!files.has(name) && resolveInArtifact(artifact, [name])) entries.push({ name, type: 'file' });
    }
  }
  for (const dir of dirs) entries.push({ name: dir, type: 'directory' });
  return { kind: 'listing', entries: entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

function dedupe(entries: ListingEntry[]): ListingEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.name) && seen.add(entry.name));
}
