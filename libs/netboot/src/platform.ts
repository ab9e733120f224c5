import type { Platform } from './manifest.types';

// OCI (GOARCH) names on the left, the RPM/kernel names publishers also use on the right.
const OCI_TO_RPM: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', '386': 'i686' };
const RPM_TO_OCI: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', i686: '386', i386: '386' };

/** The OCI spelling of an architecture: `x86_64` → `amd64`, `aarch64` → `arm64`; others unchanged. */
export function normalizeArch(arch: string): string {
  const lower = arch.toLowerCase();
  return RPM_TO_OCI[lower] ?? lower;
}

/** The RPM spelling, used in `.treeinfo` and kickstart trees: `amd64` → `x86_64`, `arm64` → `aarch64`. */
export function rpmArch(arch: string): string {
  const oci = normalizeArch(arch);
  return OCI_TO_RPM[oci] ?? oci;
}

const SEGMENT_RE = /^[A-Za-z0-9_.-]+$/;

/** `os/arch[/variant]`, e.g. `linux/amd64` or `linux/arm64/v8`; the architecture is normalized. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((part) => SEGMENT_RE.test(part))) {
    throw new TypeError(`platform must look like os/arch[/variant], got ${JSON.stringify(text)}`);
  }
  const [os, architecture, variant] = parts;
  return variant
    ? { os: os.toLowerCase(), architecture: normalizeArch(architecture), variant: variant.toLowerCase() }
    : { os: os.toLowerCase(), architecture: normalizeArch(architecture) };
}

export function formatPlatform(platform: Platform): string {
  const base = `${platform.os}/${normalizeArch(platform.architecture)}`;
  return platform.variant ? `${base}/${platform.variant}` : base;
}

/**
 * Whether a platform passes a remote's filters. Filters are `os/arch[/variant]` or a bare `arch`; a filter
 * without a variant accepts any variant. No filters accept everything, including entries without a platform.
 */
export function matchesPlatforms(platform: Platform | null, filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  if (!platform) return false;
  const arch = normalizeArch(platform.architecture);
  return filters.some((filter) => {
    if (!filter.includes('/')) return normalizeArch(filter.trim()) === arch;
    const wanted = parsePlatform(filter);
    return (
      wanted.os === platform.os.toLowerCase() &&
      wanted.architecture === arch &&
      (wanted.variant === undefined || wanted.variant === platform.variant?.toLowerCase())
    );
  });
}
