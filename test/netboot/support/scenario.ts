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
 * port being an access-logging relay in front of the content app, and one repository served by one
 * distribution. Nothing in it reaches a registry: content comes by sync (a scenario) or by import.
 */
export interface BootSite {
  stack: Stack;
  relay: AccessLogRelay;
  /** `http://10.0.2.2:<relay port>`: the origin boot scripts and guests use. */
  guestOrigin: string;
  basePath: string;
  repositoryId: string;
  repositoryHref: string;
  repositoryName: string;
  /** `<guestOrigin>/pulp/content/<basePath>` */
  guestRoot: string;
  /** The same root through the host's loopback address (for curl and assertions). */
  hostRoot: string;
  /** bootdepot's own count of bytes the content app wrote for /pulp/content (its Prometheus counter). */
  filesBytesServed(): Promise<number>;
  /** The content app's access-log lines (bootdepot's own log, JSON), oldest first. */
  accessLog(): AccessLine[];
  stop(): Promise<void>;
}

/** A boot site plus a docker-registry to sync from and an `immediate` remote for the site's repository. */
export interface NetbootScenario extends BootSite {
  registry: TestRegistry;
  upstream: string;
  remoteHref: string;
  /**
   * Pushes `files` as a netboot artifact under `tag` and syncs it in; returns the manifest digest. `afterPush`
   * runs between the push and the sync (to sign the manifest).
   */
  publish(tag: string, files: Record<string, Buffer>, afterPush?: (digest: Digest) => Promise<void>): Promise<Digest>;
}

export interface AccessLine {
  method: string;
  url: string;
  status: number;
  bytes: number;
  complete: boolean;
  userAgent?: string;
}

export interface BootSiteOptions {
  kernelArgs?: string;
  /** More environment for the stack (e.g. CONTENT_TLS_CERT/KEY, an https CONTENT_ORIGIN). */
  env?: Record<string, string>;
  /** Serve the distribution over HTTPS only. */
  httpsOnly?: boolean;
  /** More fields for the distribution (require_verified, …). */
  distribution?: Record<string, unknown>;
}

export interface NetbootScenarioOptions extends BootSiteOptions {
  /** More fields for the remote (signature_policy, signature_keys, …). */
  remote?: Record<string, unknown>;
}

export async function startBootSite(options: BootSiteOptions = {}): Promise<BootSite> {
  const relay = await AccessLogRelay.start();
  const guestOrigin = `http://${GUEST_HOST}:${relay.port}`;
  // Info level into a file: the content app's access log is part of what the boot tests check.
  const stack = await startStack({
    env: { CONTENT_ORIGIN: guestOrigin, LOG_LEVEL: 'info', ...options.env },
    logToFile: true,
  });
  relay.forwardTo(stack.contentUrl);
  const suffix = randomBytes(3).toString('hex');
  // Short on purpose: a digest-pinned .efi URL must fit the 127 bytes of qemu's BOOTP file field.
  const basePath = `nb${suffix}`;
  const { data: repository } = await repositoriesNetbootOciCreate({
    client: stack.client,
    body: { name: `debian-${suffix}` },
    throwOnError: true,
  });
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
    relay,
    guestOrigin,
    basePath,
    repositoryId: idOf(repository.pulp_href),
    repositoryHref: repository.pulp_href,
    repositoryName: repository.name,
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
    async stop() {
      await Promise.allSettled([stack.stop(), relay.stop()]);
    },
  };
}

export async function startNetbootScenario(options: NetbootScenarioOptions = {}): Promise<NetbootScenario> {
  const site = await startBootSite(options);
  const registry = await startRegistry();
  const upstream = `netboot/${site.repositoryName}`;
  const { data: remote } = await remotesNetbootOciCreate({
    client: site.stack.client,
    body: {
      name: site.repositoryName,
      url: registry.url,
      upstream_name: upstream,
      policy: 'immediate',
      ...options.remote,
    },
    throwOnError: true,
  });
  return {
    ...site,
    registry,
    upstream,
    remoteHref: remote.pulp_href,
    async publish(tag, files, afterPush) {
      const artifact = buildNetbootArtifact({ files });
      await pushArtifact(registry.url, upstream, tag, artifact);
      await afterPush?.(artifact.digest);
      const { data } = await repositoriesNetbootOciSync({
        client: site.stack.client,
        path: { id: site.repositoryId },
        body: { remote: remote.pulp_href, mirror: false },
        throwOnError: true,
      });
      const task = await waitForTask(site.stack, data.task, 120_000);
      if (task.state !== 'completed') throw new Error(`sync ${task.state}: ${JSON.stringify(task.error)}`);
      return artifact.digest;
    },
    async stop() {
      await Promise.allSettled([site.stop(), registry.stop()]);
    },
  };
}
