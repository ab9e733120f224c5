import { SIGNATURE_KINDS, SIGNATURE_STATES, type SignatureKind, type SignatureState } from '@app/domain';
import type { Digest } from '@app/oci';

export const EXPORT_FORMAT = 'bootdepot.export.v1';
/** A TOC is read whole into memory: refuse anything larger than a huge export's could be. */
export const MAX_TOC_BYTES = 64 * 1024 * 1024;

export interface ExportTocFile {
  /** A plain file name beside the TOC. */
  name: string;
  size: number;
  /** Hex sha256 of the file's bytes. */
  sha256: string;
}

/** One exported repository version: its full content (by digest), whatever part of it the tar carries. */
export interface ExportedVersion {
  /** The repository's name at the exporting site; the importer's `repo_mapping` is keyed by it. */
  name: string;
  version: number;
  /** The version the receiving site must already hold for an incremental export; null for a full one. */
  start_version: number | null;
  /** Tag name → manifest digest. */
  tags: Record<string, Digest>;
  /** Every manifest and index of the version. */
  manifests: Digest[];
}

/**
 * A manifest's signature verdict as the exporting site recorded it (`manifest_signatures`). Signatures themselves
 * are not synced as content, so the importing site cannot check again: it takes the exporting site's word.
 */
export interface ExportedVerdict {
  digest: Digest;
  state: SignatureState;
  kind: SignatureKind | null;
  key_fingerprint: string | null;
  reason: string | null;
  /** ISO 8601: when the exporting site checked it (the newer verdict wins at the importing site). */
  checked_at: string;
}

export interface ExportToc {
  format: typeof EXPORT_FORMAT;
  created: string;
  meta: {
    /** The tar's name before chunking. */
    file: string;
    chunk_size: number | null;
    /** sha256 of the whole tar (all chunks in order). */
    global_hash: string;
  };
  /** The tar, in order: one file, or its chunks. */
  files: ExportTocFile[];
  content: {
    repositories: ExportedVersion[];
    /** Units the tar holds, each as a member named by its digest. */
    manifests: { digest: Digest; size: number; media_type: string }[];
    blobs: { digest: Digest; size: number }[];
    /** Sum of the sizes of the blobs the tar holds. */
    blob_bytes: number;
    /** Verdicts on the exported versions' manifests (all of them, incremental or not); absent in older exports. */
    verdicts: ExportedVerdict[];
  };
}

/** A TOC that does not have the shape this format writes. */
export class TocFormatError extends Error {
  override name = 'TocFormatError';
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HEX = /^[0-9a-f]{64}$/;
/** A file beside the TOC: no directory part, no `..`, nothing hidden. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

function fail(message: string): never {
  throw new TocFormatError(message);
}
function obj(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} must be an object`);
  return value as Record<string, unknown>;
}
function arr(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(`${where} must be an array`);
  return value;
}
function size(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${where} must be a byte count`);
  return value;
}
function digest(value: unknown, where: string): Digest {
  if (typeof value !== 'string' || !DIGEST.test(value)) fail(`${where} must be a sha256 digest`);
  return value as Digest;
}
function units(value: unknown, where: string): { digest: Digest; size: number }[] {
  return arr(value, where).map((item, i) => {
    const unit = obj(item, `${where}[${i}]`);
    return { digest: digest(unit.digest, `${where}[${i}].digest`), size: size(unit.size, `${where}[${i}].size`) };
  });
}

const MAX_FINGERPRINT = 256;
const MAX_REASON = 16 * 1024;

function nullableText(value: unknown, max: number, where: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length > max)
    fail(`${where} must be null or a text of at most ${max} characters`);
  return value;
}

/** Verdicts only for manifests some exported version lists, at most one each. */
function verdicts(value: unknown, listed: Set<Digest>): ExportedVerdict[] {
  if (value === undefined) return [];
  const seen = new Set<Digest>();
  return arr(value, 'content.verdicts').map((item, i) => {
    const where = `content.verdicts[${i}]`;
    const verdict = obj(item, where);
    const at = digest(verdict.digest, `${where}.digest`);
    if (!listed.has(at)) fail(`${where}.digest ${at} is not a manifest of an exported version`);
    if (seen.has(at)) fail(`content.verdicts must list ${at} once`);
    seen.add(at);
    const state = verdict.state as SignatureState;
    if (!SIGNATURE_STATES.includes(state)) fail(`${where}.state must be one of ${SIGNATURE_STATES.join(', ')}`);
    const kind = (verdict.kind ?? null) as SignatureKind | null;
    if (kind !== null && !SIGNATURE_KINDS.includes(kind))
      fail(`${where}.kind must be null or one of ${SIGNATURE_KINDS.join(', ')}`);
    const checked = typeof verdict.checked_at === 'string' ? new Date(verdict.checked_at) : null;
    if (!checked || Number.isNaN(checked.getTime())) fail(`${where}.checked_at must be an ISO 8601 time`);
    return {
      digest: at,
      state,
      kind,
      key_fingerprint: nullableText(verdict.key_fingerprint, MAX_FINGERPRINT, `${where}.key_fingerprint`),
      reason: nullableText(verdict.reason, MAX_REASON, `${where}.reason`),
      checked_at: checked.toISOString(),
    };
  });
}

/** Checks an untrusted TOC's shape and names; everything the importer relies on is checked here. */
export function parseExportToc(text: string): ExportToc {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`the TOC is not JSON: ${(error as Error).message}`);
  }
  const toc = obj(json, 'the TOC');
  if (toc.format !== EXPORT_FORMAT)
    fail(`the TOC's format must be ${EXPORT_FORMAT}, got ${JSON.stringify(toc.format)}`);
  const meta = obj(toc.meta, 'meta');
  const files = arr(toc.files, 'files').map((item, i) => {
    const file = obj(item, `files[${i}]`);
    if (typeof file.name !== 'string' || !FILE_NAME.test(file.name))
      fail(`files[${i}].name must be a plain file name beside the TOC`);
    if (typeof file.sha256 !== 'string' || !HEX.test(file.sha256)) fail(`files[${i}].sha256 must be 64 hex digits`);
    return { name: file.name, size: size(file.size, `files[${i}].size`), sha256: file.sha256 };
  });
  if (files.length === 0) fail('files must list the export tar');
  if (new Set(files.map((f) => f.name)).size !== files.length) fail('files must not name a file twice');
  const content = obj(toc.content, 'content');
  const repositories = arr(content.repositories, 'content.repositories').map((item, i) => {
    const where = `content.repositories[${i}]`;
    const repo = obj(item, where);
    if (typeof repo.name !== 'string' || repo.name.length === 0 || repo.name.length > 255)
      fail(`${where}.name must be a repository name`);
    const version = size(repo.version, `${where}.version`);
    const start = repo.start_version === null ? null : size(repo.start_version, `${where}.start_version`);
    const tags: Record<string, Digest> = {};
    for (const [tag, target] of Object.entries(obj(repo.tags, `${where}.tags`))) {
      if (!TAG.test(tag)) fail(`${where}.tags has an invalid tag name ${JSON.stringify(tag)}`);
      tags[tag] = digest(target, `${where}.tags.${tag}`);
    }
    const manifests = arr(repo.manifests, `${where}.manifests`).map((d, j) => digest(d, `${where}.manifests[${j}]`));
    return { name: repo.name, version, start_version: start, tags, manifests };
  });
  if (new Set(repositories.map((r) => r.name)).size !== repositories.length)
    fail('content.repositories must list each repository once');
  return {
    format: EXPORT_FORMAT,
    created: String(toc.created),
    meta: {
      file: String(meta.file),
      chunk_size: meta.chunk_size === null ? null : size(meta.chunk_size, 'meta.chunk_size'),
      global_hash:
        typeof meta.global_hash === 'string' && HEX.test(meta.global_hash)
          ? meta.global_hash
          : fail('meta.global_hash must be 64 hex digits'),
    },
    files,
    content: {
      repositories,
      manifests: units(content.manifests, 'content.manifests').map((unit, i) => {
        const mediaType = (content.manifests as Record<string, unknown>[])[i]!.media_type;
        if (typeof mediaType !== 'string' || mediaType.length > 255)
          fail(`content.manifests[${i}].media_type must be a media type`);
        return { ...unit, media_type: mediaType };
      }),
      blobs: units(content.blobs, 'content.blobs'),
      blob_bytes: size(content.blob_bytes, 'content.blob_bytes'),
      verdicts: verdicts(content.verdicts, new Set(repositories.flatMap((r) => r.manifests))),
    },
  };
}
