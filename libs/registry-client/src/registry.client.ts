import type { Digest } from '@app/oci';
import type { BlobSink } from '@app/storage';
import {
  type BlobStream,
  downloadBlob,
  type DownloadBlobOptions,
  type DownloadedBlob,
  openBlobStream,
} from './blobs.api';
import { DEFAULT_BACKOFF } from './backoff.policy';
import { HttpTransport } from './http.transport';
import { type GetManifestOptions, getManifest, headManifest, type Manifest, type ManifestHead } from './manifests.api';
import { type ListReferrersOptions, listReferrers, type ReferrerDescriptor } from './referrers.api';
import { RegistryAuth } from './registry.auth';
import { DEFAULT_USER_AGENT, type RegistryClientOptions } from './registry-client.options';
import { RegistryRequester } from './registry.requester';
import { type ListTagsOptions, listTags } from './tags.api';

/**
 * An OCI distribution-spec client for one remote: auth, retries, rate limit, TLS and proxy come from the
 * remote's settings. Plain class, no framework: construct it, use it, `close()` it.
 */
export class RegistryClient {
  /** The remote's `download_concurrency`: how many blobs a sync downloads at once through this client. */
  readonly downloadConcurrency: number;
  private readonly transport: HttpTransport;
  private readonly requester: RegistryRequester;

  constructor(options: RegistryClientOptions) {
    const base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(`registry url must be http(s), got ${base.protocol}`);
    }
    // Credentials belong in username/password, never in a URL that ends up in logs.
    if (base.username || base.password)
      throw new TypeError('put registry credentials in username/password, not in the url');
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    const extraHeaders = options.headers ?? {};
    this.transport = new HttpTransport(options);
    const auth = new RegistryAuth(this.transport, {
      username: options.username,
      password: options.password,
      userAgent,
      extraHeaders,
      logger: options.logger,
    });
    this.requester = new RegistryRequester(this.transport, auth, {
      base,
      userAgent,
      extraHeaders,
      maxRetries: options.maxRetries ?? 3,
      maxRedirects: options.maxRedirects ?? 5,
      totalTimeoutMs: options.totalTimeoutMs,
      backoff: {
        baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs,
        maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
      },
      logger: options.logger,
    });
    this.downloadConcurrency = options.downloadConcurrency ?? 5;
  }

  /** Checks that the URL speaks the registry API and that the credentials are accepted (`GET /v2/`). */
  async ping(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.requester.run({
      method: 'GET',
      signal: options.signal,
      build: () => ({ path: '/v2/' }),
      handle: (res) => res.body.dump(),
    });
  }

  listTags(name: string, options?: ListTagsOptions): Promise<string[]> {
    return listTags(this.requester, name, options);
  }

  headManifest(name: string, ref: string, options?: { signal?: AbortSignal }): Promise<ManifestHead | null> {
    return headManifest(this.requester, name, ref, options);
  }

  getManifest(name: string, ref: string, options?: GetManifestOptions): Promise<Manifest> {
    return getManifest(this.requester, name, ref, options);
  }

  /** The OCI 1.1 referrers of a manifest; null when the registry has no referrers API. */
  listReferrers(name: string, digest: Digest, options?: ListReferrersOptions): Promise<ReferrerDescriptor[] | null> {
    return listReferrers(this.requester, name, digest, options);
  }

  downloadBlob(name: string, digest: Digest, sink: BlobSink, options?: DownloadBlobOptions): Promise<DownloadedBlob> {
    return downloadBlob(this.requester, name, digest, sink, options);
  }

  openBlobStream(
    name: string,
    digest: Digest,
    options?: { offset?: number; signal?: AbortSignal },
  ): Promise<BlobStream> {
    return openBlobStream(this.requester, name, digest, options);
  }

  /** Closes pooled connections; in-flight requests finish first. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
