import {
  type Digest,
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MediaType,
  sha256Digest,
  TITLE_ANNOTATION,
} from '@app/oci';
import {
  asObject,
  type JsonObject,
  optionalString,
  parseAnnotations,
  parseDescriptor,
  parseDigest,
  parsePlatformObject,
  reject,
} from './descriptor.parser';
import { titleProblem } from './file-title';
import type {
  IndexEntry,
  Layer,
  NetbootFile,
  ParsedIndex,
  ParsedManifest,
  ParsedManifestDocument,
} from './manifest.types';

/** distribution-spec: registries may refuse manifests over 4 MiB, so nothing legitimate is larger. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const SRC_DIGEST_ANNOTATION = 'org.pulpproject.netboot.src.digest';
export const SRC_SIZE_ANNOTATION = 'org.pulpproject.netboot.src.size';

export interface ParseManifestOptions {
  /** The digest the document was fetched by (or the registry reported); the bytes are checked against it. */
  digest: Digest;
  /** The response's Content-Type; used when the body has no `mediaType`. */
  contentType?: string;
}

const KNOWN_TYPES = new Set([...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES]);

/**
 * Parses an image manifest or index as fetched from a registry. Lenient about the variants publishers
 * produce (osbuild/nboci's zstd layers with `src.digest`/`src.size` annotations and an unknown artifactType,
 * layers typed `application/octet-stream`, a missing top-level `mediaType`, an empty config given as size 0),
 * strict about anything that would become a path or a size on our side.
 */
export function parseManifestDocument(bytes: Buffer, options: ParseManifestOptions): ParsedManifestDocument {
  const digest = parseDigest(options.digest, 'manifest');
  if (bytes.length > MAX_MANIFEST_BYTES) reject(`manifest ${digest} is ${bytes.length} bytes, over the 4 MiB limit`);
  const actual = sha256Digest(bytes);
  if (actual !== digest) reject(`manifest body hashes to ${actual}, not ${digest}`);

  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    reject(`manifest ${digest} is not valid JSON: ${(error as Error).message}`);
  }
  const body = asObject(json, `manifest ${digest}`);
  if (body.schemaVersion !== undefined && body.schemaVersion !== 2) {
    reject(`manifest ${digest} has schemaVersion ${JSON.stringify(body.schemaVersion)}; only 2 is supported`);
  }
  const mediaType = detectMediaType(body, options.contentType);
  return INDEX_MEDIA_TYPES.includes(mediaType)
    ? parseIndex(body, digest, mediaType)
    : parseManifest(body, digest, mediaType);
}

function detectMediaType(body: JsonObject, contentType: string | undefined): string {
  const declared = optionalString(body.mediaType, 'manifest mediaType');
  const header = contentType?.split(';')[0].trim().toLowerCase();
  const fromHeader = header && KNOWN_TYPES.has(header) ? header : undefined;
  if (declared && fromHeader && declared !== fromHeader) {
    reject(`manifest declares mediaType ${declared} but was served as ${fromHeader}`);
  }
  const hasManifests = Array.isArray(body.manifests);
  const hasLayers = Array.isArray(body.layers);
  // distribution-spec forbids a document that could be read both ways.
  if (hasManifests && hasLayers) reject('manifest has both "manifests" and "layers"; it is ambiguous');
  const mediaType = declared ?? fromHeader;
  if (mediaType !== undefined) {
    if (!KNOWN_TYPES.has(mediaType)) reject(`unsupported manifest mediaType ${mediaType}`);
    return mediaType;
  }
  if (hasManifests) return MediaType.OciIndex;
  if (hasLayers) return MediaType.OciManifest;
  return reject('document has neither "layers" nor "manifests" and no mediaType');
}

function parseManifest(body: JsonObject, digest: Digest, mediaType: string): ParsedManifest {
  if (!Array.isArray(body.layers)) reject(`manifest ${digest} has no "layers" array`);
  const config = body.config === undefined || body.config === null ? null : parseDescriptor(body.config, 'config');
  const layers = body.layers.map((layer: unknown, index: number) => parseLayer(layer, index));
  const declaredArtifactType = optionalString(body.artifactType, 'manifest artifactType');
  // image-spec: without artifactType, the config media type names the artifact (unless it is the empty config).
  const configType = config && config.mediaType !== MediaType.OciEmpty && config.size > 0 ? config.mediaType : null;
  return {
    kind: 'manifest',
    digest,
    mediaType,
    artifactType: declaredArtifactType ?? configType,
    annotations: parseAnnotations(body.annotations, 'manifest'),
    config,
    layers,
    files: filesOf(layers),
  };
}

function parseLayer(value: unknown, index: number): Layer {
  const what = `layer ${index}`;
  const descriptor = parseDescriptor(value, what);
  const annotations = parseAnnotations(asObject(value, what).annotations, what);
  const title = annotations[TITLE_ANNOTATION] ?? null;
  const compressed = descriptor.mediaType.endsWith('+zstd');
  const srcDigestText = compressed ? annotations[SRC_DIGEST_ANNOTATION] : undefined;
  const srcSizeText = compressed ? annotations[SRC_SIZE_ANNOTATION] : undefined;
  if (srcSizeText !== undefined && !/^(0|[1-9][0-9]*)$/.test(srcSizeText)) {
    reject(`${what} annotation ${SRC_SIZE_ANNOTATION} ${JSON.stringify(srcSizeText)} is not a byte count`);
  }
  const srcSize = srcSizeText === undefined ? null : Number(srcSizeText);
  if (srcSize !== null && !Number.isSafeInteger(srcSize)) reject(`${what} ${SRC_SIZE_ANNOTATION} is too large`);
  return {
    ...descriptor,
    index,
    annotations,
    title,
    compression: compressed ? 'zstd' : 'none',
    srcDigest: srcDigestText === undefined ? null : parseDigest(srcDigestText, `${what} ${SRC_DIGEST_ANNOTATION}`),
    srcSize,
  };
}

function filesOf(layers: Layer[]): NetbootFile[] {
  const seen = new Map<string, number>();
  const files: NetbootFile[] = [];
  for (const layer of layers) {
    if (layer.title === null) continue;
    const problem = titleProblem(layer.title);
    if (problem) reject(`layer ${layer.index} title ${JSON.stringify(layer.title)} ${problem}`);
    const previous = seen.get(layer.title);
    if (previous !== undefined) {
      reject(`layer ${layer.index} title ${JSON.stringify(layer.title)} duplicates the title of layer ${previous}`);
    }
    seen.set(layer.title, layer.index);
    files.push({
      title: layer.title,
      digest: layer.digest,
      size: layer.size,
      mediaType: layer.mediaType,
      layerIndex: layer.index,
      compression: layer.compression,
      srcDigest: layer.srcDigest,
      srcSize: layer.srcSize,
    });
  }
  return files;
}

function parseIndex(body: JsonObject, digest: Digest, mediaType: string): ParsedIndex {
  if (!Array.isArray(body.manifests)) reject(`index ${digest} has no "manifests" array`);
  const entryType = mediaType === MediaType.DockerManifestList ? MediaType.DockerManifest : MediaType.OciManifest;
  const manifests = body.manifests.map((value: unknown, index: number): IndexEntry => {
    const what = `index entry ${index}`;
    const object = asObject(value, what);
    return {
      ...parseDescriptor(object, what, entryType),
      artifactType: optionalString(object.artifactType, `${what} artifactType`) ?? null,
      platform: parsePlatformObject(object.platform, what),
      annotations: parseAnnotations(object.annotations, what),
    };
  });
  return {
    kind: 'index',
    digest,
    mediaType,
    artifactType: optionalString(body.artifactType, 'index artifactType') ?? null,
    annotations: parseAnnotations(body.annotations, 'index'),
    manifests,
  };
}
