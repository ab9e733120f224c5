export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  NetbootArtifact: 'application/vnd.org.pulpproject.netboot.artifact.v1',
  NetbootFile: 'application/x-netboot-file',
  NetbootFileZstd: 'application/x-netboot-file+zstd',
} as const;

export const MANIFEST_MEDIA_TYPES: readonly string[] = [MediaType.OciManifest, MediaType.DockerManifest];
export const INDEX_MEDIA_TYPES: readonly string[] = [MediaType.OciIndex, MediaType.DockerManifestList];

/** What a client sends in `Accept` to get any of the four manifest kinds. */
export const MANIFEST_ACCEPT = [...INDEX_MEDIA_TYPES, ...MANIFEST_MEDIA_TYPES].join(', ');

export const TITLE_ANNOTATION = 'org.opencontainers.image.title';
