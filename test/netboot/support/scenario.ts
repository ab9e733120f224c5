import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Digest } from '@app/oci';
import {
  distributionsNetbootOciCreate,
  remotesNetbootOciCreate,
  repositoriesNetbootOciCreate,
  repositoriesNetbootOciSync,
} from '../../../openapi/client/sdk.gen';
import { buildNetbootArtifact, pushArtifact } from '../../support/push';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { idOf, type Stack, startStack, waitForTask } from '../../support/stack';
import { AccessLogRelay } from './access-log';

/** What qemu's user-mode network calls the host: the guest reaches the host's loopback through it. */
export const GUEST_HOST = '10.0.2.2';

/**
 * A bootdepot stack whose CONTENT_ORIGIN is what a qemu guest can reach (`http://10.0.2.2:<port>`), the
 * port being an access-logging relay in front of the content app; a docker-registry to sync from; and one
 * repository with an `immediate` remote, served by one distribution.
 */
export interface NetbootScenario {
  stack: Stack;
  registry: TestRegistry;
  relay: AccessLogRelay;
  /** `http://10.0.2.2:<relay port>`: the origin boot scripts and guests use. */
  guestOrigin: string;
  upstream: string;
  basePath: string;
  repositoryId: string;
  remoteHref: string;
  /** `<guestOrigin>/pulp/content/<basePath>` */
  guestRoot: string;
  /** The same root through the host's loopback address (for curl and assertions). */
  hostRoot: string;
  /** bootdepot's own count of bytes the content app wrote for /pulp/content (its Prometheus counter). */
  filesBytesServed(): Promise<number>;
  /** The content app's access-log lines (bootdepot's own log, JSON), oldest first. */
  accessLog(): AccessLine[];
  /**
   * Pushes `files` as a netboot artifact under `tag` and syncs it in; returns the manifest digest. `afterPush`
   * runs between the push and the sync (to sign the manifest).
   */
  publish(tag: string, files: Record<string, Buffer>, afterPush?: (digest: Digest) => Promise<void>): Promise<Digest>;
  stop(): Promise<void>;
}

export interface AccessLine {
  method: string;
  url: string;
  status: number;
  bytes: number;
  complete: boolean;
  userAgent?: string;
}

export async function startNetbootScenario(
  options: {
    kernelArgs?: string;
    /** More environment for the stack (e.g. CONTENT_TLS_CERT/KEY, an https CONTENT_ORIGIN). */
    env?: Record<string, string>;
    /** Serve the distribution over HTTPS only. */
    httpsOnly?: boolean;
    /** More fields for the remote and the distribution (signature_policy, require_verified, …). */
    remote?: Record<string, unknown>;
    distribution?: Record<string, unknown>;
  } = {},
): Promise<NetbootScenario> {
  const relay = await AccessLogRelay.start();
  const guestOrigin = `http://${GUEST_HOST}:${relay.port}`;
  // Info level into a file: the content app's access log is part of what the boot tests check.
  const stack = await startStack({
    env: { CONTENT_ORIGIN: guestOrigin, LOG_LEVEL: 'info', ...options.env },
    logToFile: true,
  });
  relay.forwardTo(stack.contentUrl);
  const registry = await startRegistry();
  const suffix = randomBytes(3).toString('hex');
  const upstream = `netboot/debian-${suffix}`;
  // Short on purpose: a digest-pinned .efi URL must fit the 127 bytes of qemu's BOOTP file field.
  const basePath = `nb${suffix}`;
  const { data: remote } = await remotesNetbootOciCreate({
    client: stack.client,
    body: {
      name: `debian-${suffix}`,
      url: registry.url,
      upstream_name: upstream,
      policy: 'immediate',
      ...options.remote,
    },
    throwOnError: true,
  });
  const { data: repository } = await repositoriesNetbootOciCreate({
    client: stack.client,
    body: { name: `debian-${suffix}` },
    throwOnError: true,
  });
  const repositoryId = idOf(repository.pulp_href);
  await distributionsNetbootOciCreate({
    client: stack.client,
    body: {
      name: `debian-${suffix}`,
      base_path: basePath,
      repository: repository.pulp_href,
      ...(options.kernelArgs ? { kernel_args: options.kernelArgs } : {}),
      ...(options.httpsOnly ? { https_only: true } : {}),
      ...options.distribution,
    },
    throwOnError: true,
  });
  return {
    stack,
    registry,
    relay,
    guestOrigin,
    upstream,
    basePath,
    repositoryId,
    remoteHref: remote.pulp_href,
    guestRoot: `${guestOrigin}/pulp/content/${basePath}`,
    hostRoot: `http://127.0.0.1:${relay.port}/pulp/content/${basePath}`,
    accessLog() {
      return readFileSync(stack.prepared.config.logFile!, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"msg":"access"'))
        .map((line) => JSON.parse(line) as AccessLine);
    },
    async filesBytesServed() {
      const text = await (await fetch(`${stack.contentUrl}/metrics`)).text();
      const line = /^bootdepot_content_bytes_served_total\{[^}]*area="files"[^}]*\} (\d+)/m.exec(text);
      return line ? Number(line[1]) : 0;
    },
    async publish(tag, files, afterPush) {
      const artifact = buildNetbootArtifact({ files });
      await pushArtifact(registry.url, upstream, tag, artifact);
      await afterPush?.(artifact.digest);
      const { data } = await repositoriesNetbootOciSync({
        client: stack.client,
        path: { id: repositoryId },
        body: { remote: remote.pulp_href, mirror: false },
        throwOnError: true,
      });
      const task = await waitForTask(stack, data.task, 120_000);
      if (task.state !== 'completed') throw new Error(`sync ${task.state}: ${JSON.stringify(task.error)}`);
      return artifact.digest;
    },
    async stop() {
      await Promise.allSettled([stack.stop(), registry.stop(), relay.stop()]);
    },
  };
}
