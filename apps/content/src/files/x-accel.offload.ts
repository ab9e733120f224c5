import type { Digest } from '@app/oci';
import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';

/**
 * `CONTENT_OFFLOAD=x-accel`: the body of a stored file is sent by an nginx in front of the content app, with
 * `sendfile`, from an internal location over STORAGE_PATH (deploy/nginx/bootdepot.conf). The app still routes,
 * guards, answers HEAD, 304, 416 and ranges itself and counts the request; for a full 200 it answers with the
 * headers and `X-Accel-Redirect: <prefix>/<path below STORAGE_PATH>` and nginx replaces the empty body with
 * the file's. Ranges stay in the app so that nginx never takes a Range decision of its own (the internal
 * location sets `max_ranges 0`).
 */
export class XAccelOffload {
  constructor(
    private readonly prefix: string,
    private readonly storageRoot: string,
    private readonly localPath: (digest: Digest) => string,
  ) {}

  /**
   * Where nginx finds the blob, or null when it is not stored yet (on-demand content is fetched and streamed
   * by the app; nginx would answer 404 for a missing file).
   */
  async target(digest: Digest, size: number): Promise<string | null> {
    const path = this.localPath(digest);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.size !== size) return null;
    return `${this.prefix}/${relative(this.storageRoot, path).split(sep).join('/')}`;
  }
}
