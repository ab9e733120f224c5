import { normalizeArch, rpmArch } from '@app/netboot';
import type { ArtifactContext } from './content-node';

const KNOWN_ARCHES = new Set(['amd64', 'arm64', '386', 'ppc64le', 's390x', 'riscv64']);
const PLAIN_RE = /^[A-Za-z0-9][A-Za-z0-9 ._+-]*$/;
const ARCH_RE = /^[A-Za-z0-9._+-]{1,64}$/;

export interface ArtifactFacts {
  /** RPM spelling (`x86_64`), or undefined when nothing says. */
  arch?: string;
  name: string;
  version: string;
}

/**
 * What an artifact says about itself, from the most to the least explicit source: the index entry the
 * path went through, any index in the version that lists it, manifest annotations (nboci's `os.*`), then
 * the tag convention `<version>-<arch>`.
 */
export function artifactFacts(artifact: ArtifactContext): ArtifactFacts {
  const { manifest, version, tag } = artifact;
  const annotations = manifest.annotations;
  const platform = artifact.platform ?? version.parents.get(manifest.id)?.[0];
  const tagParts = tag ? /^(.+)-([A-Za-z0-9_]+)$/.exec(tag) : null;
  const tagArch = tagParts && KNOWN_ARCHES.has(normalizeArch(tagParts[2])) ? tagParts[2] : undefined;
  const arch = platform?.architecture ?? annotations['os.arch'] ?? tagArch;

  const osVersion = platform?.osVersion ? /^(.*?)-?([0-9][0-9A-Za-z._]*)$/.exec(platform.osVersion) : null;
  const name = plain(annotations['os.name']) ?? plain(osVersion?.[1]) ?? plain(artifact.distribution.name) ?? 'Linux';
  const releaseVersion =
    plain(annotations['os.version']) ??
    plain(osVersion?.[2]) ??
    plain(annotations['org.opencontainers.image.version']) ??
    plain(tagArch ? tagParts![1] : tag) ??
    String(version.number);
  // Architectures come from upstream annotations: one the .treeinfo renderer would refuse is dropped, not a 500.
  const rpm = arch ? rpmArch(arch) : undefined;
  return { arch: rpm && ARCH_RE.test(rpm) ? rpm : undefined, name: capitalize(name), version: releaseVersion };
}

function plain(value: string | undefined): string | undefined {
  return value && PLAIN_RE.test(value.trim()) ? value.trim() : undefined;
}

function capitalize(name: string): string {
  return name === name.toLowerCase() ? name.charAt(0).toUpperCase() + name.slice(1) : name;
}
