import type { Digest } from '@app/oci';

export type Annotations = Record<string, string>;

export interface DescriptorRef {
  digest: Digest;
  size: number;
  mediaType: string;
}

export type Compression = 'none' | 'zstd';

export interface Layer extends DescriptorRef {
  /** Position in the manifest's `layers` array (0-based), used in error messages. */
  index: number;
  annotations: Annotations;
  /** The `org.opencontainers.image.title` annotation, or null for an untitled layer (kept, but not a file). */
  title: string | null;
  compression: Compression;
  /** For zstd layers: the digest and size of the decompressed file, when the publisher gave them. */
  srcDigest: Digest | null;
  srcSize: number | null;
}

/** A titled layer: what `oras pull` would write as `<title>`. Several files may share one blob. */
export interface NetbootFile {
  title: string;
  digest: Digest;
  size: number;
  mediaType: string;
  layerIndex: number;
  compression: Compression;
  srcDigest: Digest | null;
  srcSize: number | null;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  osVersion?: string;
}

export interface ParsedManifest {
  kind: 'manifest';
  digest: Digest;
  mediaType: string;
  artifactType: string | null;
  annotations: Annotations;
  config: DescriptorRef | null;
  layers: Layer[];
  files: NetbootFile[];
}

export interface IndexEntry extends DescriptorRef {
  artifactType: string | null;
  platform: Platform | null;
  annotations: Annotations;
}

export interface ParsedIndex {
  kind: 'index';
  digest: Digest;
  mediaType: string;
  artifactType: string | null;
  annotations: Annotations;
  manifests: IndexEntry[];
}

export type ParsedManifestDocument = ParsedManifest | ParsedIndex;
