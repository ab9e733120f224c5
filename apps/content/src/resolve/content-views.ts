import type { Digest } from '@app/oci';

/** A blob as the content app needs it: enough to answer HEAD and to find the bytes. */
export interface BlobRef {
  blobId: string;
  digest: Digest;
  size: number;
  mediaType: string | null;
}

/** A manifest layer with a title: one file of a netboot artifact. */
export interface FileRef extends BlobRef {
  title: string;
}

export interface IndexChild {
  manifestId: string;
  architecture: string | null;
  os: string | null;
  variant: string | null;
  osVersion: string | null;
}

export interface ManifestView {
  id: string;
  digest: Digest;
  mediaType: string;
  isIndex: boolean;
  /** The exact bytes the digest is over. */
  raw: Buffer;
  annotations: Record<string, string>;
  configDigest: Digest | null;
  /** Titled layers by title (image manifests). */
  files: Map<string, FileRef>;
  /** Platform entries (indexes), in index order. */
  children: IndexChild[];
}

/** Everything one immutable repository version serves, loaded once and kept in memory. */
export interface VersionView {
  id: string;
  repositoryId: string;
  number: number;
  createdAt: Date;
  tags: Map<string, ManifestView>;
  tagNames: string[];
  /** Manifests of the version (and children of its indexes) by digest, for digest-pinned paths and /v2/. */
  manifests: Map<string, ManifestView>;
  manifestsById: Map<string, ManifestView>;
  /** Every blob a client of this version may fetch: layers, configs and blob content. */
  blobs: Map<string, BlobRef>;
  /** For a manifest id, the index entries that point at it (to learn its platform). */
  parents: Map<string, IndexChild[]>;
}

export interface DistributionView {
  id: string;
  name: string;
  basePath: string;
  hidden: boolean;
  /** Needs an API token or a signed URL (the content guard). */
  isPrivate: boolean;
  /** Refused over plain HTTP (403 naming the https:// URL). */
  httpsOnly: boolean;
  /** Serves only content whose manifest is verified as signed (403 with the reason otherwise). */
  requireVerified: boolean;
  kernelArgs: string | null;
  /** Bound into signed grants (see `GrantSubject`). */
  grantGeneration: number;
  updatedAt: Date;
  /** The version served now (latest of the repository, or the pinned one); null when there is none. */
  versionId: string | null;
  repositoryId: string | null;
  versionNumber: number | null;
}
