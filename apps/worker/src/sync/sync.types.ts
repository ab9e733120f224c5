import type { Digest } from '@app/oci';
import type { ParsedManifestDocument } from '@app/netboot';

/** A manifest or index the sync will list in the new version, with the bytes its digest is over. */
export interface ScannedManifest {
  digest: Digest;
  mediaType: string;
  raw: Buffer;
  parsed: ParsedManifestDocument;
  /** For an index: the children kept by the remote's platform filter, by position in the index. */
  children: { position: number; digest: Digest }[];
  /** Already in the `manifests` table (the GET was skipped); its layers and entries are too. */
  known: boolean;
}

export interface BlobRef {
  digest: Digest;
  size: number;
  mediaType: string;
  /** Where the blob first appeared, for error messages: `file "vmlinuz" of tag 40-amd64`. */
  label: string;
}

/** Everything upstream holds for the synced tags, scanned before anything is written. */
export interface UpstreamSnapshot {
  /** Tag name → the digest it points at. */
  tags: Map<string, Digest>;
  manifests: Map<Digest, ScannedManifest>;
  blobs: Map<Digest, BlobRef>;
}
