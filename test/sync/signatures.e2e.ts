import type { Digest } from '@app/oci';
import { RegistryClient } from '@app/registry-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentNetbootManifestsList,
  distributionsNetbootOciCreate,
  remotesNetbootOciCreate,
} from '../../openapi/client/sdk.gen';
import { buildNetbootArtifact, makeFile, pushArtifact, pushIndex } from '../support/push';
import { startRegistry, type TestRegistry } from '../support/registry';
import {
  cosignKeyPair,
  cosignPayload,
  opensslAcceptsCosign,
  pushCosignSignature,
  SigningLab,
  startLookaside,
} from '../support/signing';
import { startStack, type Stack } from '../support/stack';
import { createRemote, createRepository, presentTags, summaryOf, sync } from './sync-helpers';

const REPO = 'signed/netboot';
const SLOW_MS = 6000;

type Expected = { state: 'verified' | 'unsigned' | 'invalid'; reason?: RegExp; kind?: 'simple' | 'cosign' };

/**
 * Signatures made by real tools (skopeo with a throwaway GNUPGHOME; cosign's layout with Node's crypto), checked
 * by bootdepot during a sync and by skopeo's policy.json: both must give the same verdict for every fixture.
 */
describe('signature verification on sync', () => {
  let registry: TestRegistry;
  let stack: Stack;
  let lab: SigningLab;
  let lookaside: { url: string; stop(): Promise<void> };
  const faults = new Map<string, { kind: '500' } | { kind: 'slow'; ms: number }>();
  const digests = new Map<string, Digest>();
  const expected = new Map<string, Expected>();
  let gpgKeyring: string;
  let cosignPublicFile: string;
  let keys: string[];
  let recordedRepository: string;
  let requiredRepository: string;
  const sigTag = (tag: string) => `${digests.get(tag)!.replace(':', '-')}.sig`;

  beforeAll(async () => {
    registry = await startRegistry();
    const host = new URL(registry.url).host;
    lab = new SigningLab(host);
    lookaside = await startLookaside(lab.lookasideDir, faults);
    const trusted = await lab.gpgKey('trusted');
    const stranger = await lab.gpgKey('stranger');
    const cosign = cosignKeyPair();
    const cosignStranger = cosignKeyPair();
    gpgKeyring = await lab.exportKeyring(trusted.fingerprint);
    cosignPublicFile = lab.writeFile('cosign.pub', cosign.publicPem);
    keys = [trusted.armored, cosign.publicPem];

    const push = async (tag: string, expect: Expected) => {
      const artifact = buildNetbootArtifact({ files: { vmlinuz: makeFile(2048, `${tag}-vmlinuz`) } });
      const { digest } = await pushArtifact(registry.url, REPO, tag, artifact);
      digests.set(tag, digest);
      expected.set(tag, expect);
      return { digest, bytes: artifact.bytes };
    };
    const ref = (tag: string) => `${host}/${REPO}:${tag}`;

    await push('gpg-ok', { state: 'verified', kind: 'simple' });
    await lab.skopeoSignCopy(REPO, 'gpg-ok', trusted.fingerprint);

    const stray = await push('gpg-stranger', { state: 'invalid', kind: 'simple', reason: /not one of the remote's/ });
    await lab.skopeoSignCopy(REPO, 'gpg-stranger', stranger.fingerprint);
    void stray;

    const other = await push('gpg-other-digest', {
      state: 'invalid',
      kind: 'simple',
      reason: /is for manifest sha256:/,
    });
    const elsewhere = buildNetbootArtifact({ files: { vmlinuz: makeFile(2048, 'elsewhere') } });
    lab.putLookaside(
      REPO,
      other.digest,
      1,
      await lab.standaloneSign(elsewhere.bytes, ref('gpg-other-digest'), trusted.fingerprint),
    );

    const repo = await push('gpg-other-repo', {
      state: 'invalid',
      kind: 'simple',
      reason: /is for repository "other\/netboot"/,
    });
    lab.putLookaside(
      REPO,
      repo.digest,
      1,
      await lab.standaloneSign(repo.bytes, `${host}/other/netboot:x`, trusted.fingerprint),
    );

    const truncated = await push('gpg-truncated', { state: 'invalid', kind: 'simple', reason: /OpenPGP|verify/ });
    const good = await lab.standaloneSign(truncated.bytes, ref('gpg-truncated'), trusted.fingerprint);
    lab.putLookaside(REPO, truncated.digest, 1, good.subarray(0, good.length - 20));

    const garbage = await push('gpg-garbage', { state: 'invalid', kind: 'simple', reason: /not an OpenPGP message/ });
    lab.putLookaside(REPO, garbage.digest, 1, Buffer.from('this is not a signature'));

    const broken = await push('gpg-500', { state: 'unsigned', kind: 'simple', reason: /answered HTTP 500/ });
    faults.set(broken.digest, { kind: '500' });
    const slow = await push('gpg-slow', { state: 'unsigned', kind: 'simple', reason: /did not answer within 3000 ms/ });
    faults.set(slow.digest, { kind: 'slow', ms: SLOW_MS });

    await push('unsigned', { state: 'unsigned', reason: /no cosign signature tag; no simple-signing signature/ });

    const cosignOk = await push('cosign-ok', { state: 'verified', kind: 'cosign' });
    await pushCosignSignature(
      registry.url,
      REPO,
      cosignOk.digest,
      cosignPayload(ref('cosign-ok'), cosignOk.digest),
      cosign.privateKey,
    );

    const cosignStray = await push('cosign-stranger', {
      state: 'invalid',
      kind: 'cosign',
      reason: /does not verify under any/,
    });
    await pushCosignSignature(
      registry.url,
      REPO,
      cosignStray.digest,
      cosignPayload(ref('cosign-stranger'), cosignStray.digest),
      cosignStranger.privateKey,
    );

    const cosignOther = await push('cosign-other-digest', {
      state: 'invalid',
      kind: 'cosign',
      reason: /is for manifest/,
    });
    await pushCosignSignature(
      registry.url,
      REPO,
      cosignOther.digest,
      cosignPayload(ref('cosign-other-digest'), digests.get('cosign-ok')!),
      cosign.privateKey,
    );

    const huge = await push('cosign-huge', {
      state: 'invalid',
      kind: 'cosign',
      reason: /over the 65536-byte limit; not downloaded/,
    });
    await pushCosignSignature(
      registry.url,
      REPO,
      huge.digest,
      cosignPayload(ref('cosign-huge'), huge.digest),
      cosign.privateKey,
      {
        // The registry checks the blob exists, not its size: the descriptor may claim anything.
        size: 4 * 1024 * 1024 * 1024,
      },
    );

    const junk = await push('cosign-garbage', { state: 'invalid', kind: 'cosign', reason: /does not verify/ });
    await pushCosignSignature(
      registry.url,
      REPO,
      junk.digest,
      cosignPayload(ref('cosign-garbage'), junk.digest),
      cosign.privateKey,
      {
        annotations: { 'dev.cosignproject.cosign/signature': 'Z2FyYmFnZQ==' },
      },
    );

    stack = await startStack();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await lookaside?.stop();
    await lab?.cleanup();
    await registry?.stop();
  });

  async function remote(policy: 'record' | 'require', includeTags: string[]) {
    return createRemote(stack, {
      url: registry.url,
      upstream_name: REPO,
      include_tags: includeTags,
      signature_policy: policy,
      signature_keys: keys,
      sigstore_lookaside_url: lookaside.url,
      total_timeout: 3,
    });
  }

  async function verdicts() {
    const rows = await stack.sql<{ digest: string; state: string; kind: string | null; reason: string | null }>(
      `SELECT m.digest, s.state, s.kind, s.reason FROM manifest_signatures s JOIN manifests m ON m.id = s.manifest_id`,
    );
    return new Map(rows.map((row) => [row.digest, row]));
  }

  it('records each manifest verdict with its reason under `record`, syncing everything', async () => {
    const tags = [...expected.keys()];
    const repositoryId = await createRepository(stack);
    recordedRepository = repositoryId;
    const task = await sync(stack, repositoryId, await remote('record', tags), false, 120_000);
    expect(task.state).toBe('completed');
    expect(await presentTags(stack, repositoryId)).toEqual([...tags, sigTag('cosign-ok')].sort());
    const recorded = await verdicts();
    for (const [tag, want] of expected) {
      const got = recorded.get(digests.get(tag)!);
      expect({ tag, state: got?.state }).toEqual({ tag, state: want.state });
      if (want.reason) expect(got?.reason, tag).toMatch(want.reason);
      if (want.state === 'verified') expect(got?.kind).toBe(want.kind === 'simple' ? 'simple-signing' : 'cosign');
    }
    const unverified = task.progress_reports.filter((r) => r.code.startsWith('sync.signatures.unverified:'));
    expect(unverified.map((r) => r.code.split(':')[1]).sort()).toEqual(
      tags.filter((tag) => expected.get(tag)!.state !== 'verified').sort(),
    );
  }, 180_000);

  it('shows the verdicts in the manifest list, filters on them and counts verified content in the version', async () => {
    const version = `/pulp/api/v3/repositories/netboot/oci/${recordedRepository}/versions/1/`;
    const { data } = await contentNetbootManifestsList({
      client: stack.client,
      query: { repository_version: version, signature_state: 'verified', limit: 100 },
      throwOnError: true,
    });
    expect(data.results.map((m) => m.digest).sort()).toEqual([digests.get('cosign-ok'), digests.get('gpg-ok')].sort());
    const cosignOk = data.results.find((m) => m.digest === digests.get('cosign-ok'))!;
    expect(cosignOk.signature).toMatchObject({ state: 'verified', kind: 'cosign', reason: null });
    expect(cosignOk.signature!.key_fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const { data: invalid } = await contentNetbootManifestsList({
      client: stack.client,
      query: { repository_version: version, signature_state: 'invalid', limit: 100 },
      throwOnError: true,
    });
    expect(invalid.count).toBe([...expected.values()].filter((e) => e.state === 'invalid').length);
    expect((await summaryOf(stack, recordedRepository, 1)).present['manifest.verified']).toBe(2);
  });

  it('require_verified: the content app refuses files and /v2/ of anything not verified, with the reason', async () => {
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'verified-only',
        base_path: 'verified-only',
        repository: `/pulp/api/v3/repositories/netboot/oci/${recordedRepository}/`,
        require_verified: true,
      },
      throwOnError: true,
    });
    const get = (path: string, accept?: string) =>
      fetch(`${stack.contentUrl}${path}`, accept ? { headers: { accept } } : {});
    await expect.poll(async () => (await get('/pulp/content/verified-only/gpg-ok/vmlinuz')).status).toBe(200);
    const refused = await get('/pulp/content/verified-only/gpg-stranger/vmlinuz');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(
      /require_verified.*tag gpg-stranger .* is not verified: invalid: .*not one of the remote's/,
    );
    expect((await get(`/pulp/content/verified-only/${digests.get('unsigned')}/vmlinuz`)).status).toBe(403);
    const oci = 'application/vnd.oci.image.manifest.v1+json';
    expect((await get('/v2/verified-only/manifests/cosign-ok', oci)).status).toBe(200);
    const denied = await get('/v2/verified-only/manifests/unsigned', oci);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(await denied.json())).toContain('DENIED');
    const manifest = (await (
      await fetch(`${registry.url}/v2/${REPO}/manifests/unsigned`, { headers: { accept: oci } })
    ).json()) as { layers: { digest: string }[] };
    expect((await get(`/v2/verified-only/blobs/${manifest.layers[0]!.digest}`)).status).toBe(403);
  });

  it("agrees with skopeo's policy.json verdict on every simple-signing fixture, and openssl's on cosign ones", async () => {
    for (const [tag, want] of expected) {
      const digest = digests.get(tag)!;
      // The slow lookaside eventually answers 404 (no signature): skopeo waits it out and rejects, as we do.
      const kinds = want.kind ? [want.kind] : (['simple', 'cosign'] as const);
      for (const kind of kinds) {
        const accepted =
          kind === 'simple'
            ? await lab.skopeoAccepts('simple', REPO, digest, { publicKeyFile: gpgKeyring }, lookaside.url)
            : await opensslAcceptsCosign(registry.url, REPO, digest, cosignPublicFile, lab.dir);
        expect(accepted, `${tag} (${kind}): skopeo said ${lab.lastRejection}`).toBe(want.state === 'verified');
      }
    }
  }, 300_000);

  it('syncs only validly signed tags under `require` and lists the others with their reason', async () => {
    const repositoryId = await createRepository(stack);
    const task = await sync(
      stack,
      repositoryId,
      await remote('require', ['gpg-ok', 'cosign-ok', 'unsigned', 'gpg-other-repo']),
      false,
      120_000,
    );
    expect(task.state).toBe('completed');
    expect(await presentTags(stack, repositoryId)).toEqual(['cosign-ok', 'gpg-ok', sigTag('cosign-ok')]);
    requiredRepository = repositoryId;
    const skipped = Object.fromEntries(
      task.progress_reports
        .filter((r) => r.code.startsWith('sync.signatures.skipped:'))
        .map((r) => [r.code.split(':')[1], r.message]),
    );
    expect(Object.keys(skipped).sort()).toEqual(['gpg-other-repo', 'unsigned']);
    expect(skipped['gpg-other-repo']).toMatch(/skipped: invalid: simple signing: the signature is for repository/);
    expect(skipped.unsigned).toMatch(/skipped: unsigned/);
  }, 180_000);

  it('counts an index as signed when each child it brings in is', async () => {
    const host = new URL(registry.url).host;
    const amd64 = digests.get('gpg-ok')!;
    const arm64 = digests.get('cosign-ok')!;
    const sizeOf = async (digest: Digest) =>
      Number(
        (
          await fetch(`${registry.url}/v2/${REPO}/manifests/${digest}`, {
            method: 'HEAD',
            headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
          })
        ).headers.get('content-length'),
      );
    const entry = async (digest: Digest, architecture: string) => ({
      descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: await sizeOf(digest) },
      architecture,
    });
    await pushIndex(registry.url, REPO, 'both-signed', [await entry(amd64, 'amd64'), await entry(arm64, 'arm64')]);
    const half = await pushIndex(registry.url, REPO, 'half-signed', [
      await entry(amd64, 'amd64'),
      await entry(digests.get('unsigned')!, 'arm64'),
    ]);
    void host;
    const repositoryId = await createRepository(stack);
    const task = await sync(
      stack,
      repositoryId,
      await remote('require', ['both-signed', 'half-signed']),
      false,
      120_000,
    );
    expect(task.state).toBe('completed');
    expect(await presentTags(stack, repositoryId)).toEqual(['both-signed', sigTag('cosign-ok')]);
    const half_ = task.progress_reports.find((r) => r.code === 'sync.signatures.skipped:half-signed');
    expect(half_?.message).toContain(`child ${digests.get('unsigned')}`);
    expect((await verdicts()).get(half.digest)).toBeUndefined();
  }, 180_000);

  it("mirrors the signatures with the content: an edge bootdepot verifies them again from bootdepot's /v2/ and lookaside", async () => {
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'signed-origin',
        // The same repository name as upstream: the signed claims name it, and the edge checks them against it.
        base_path: REPO,
        repository: `/pulp/api/v3/repositories/netboot/oci/${requiredRepository}/`,
        require_verified: true,
      },
      throwOnError: true,
    });
    const oci = 'application/vnd.oci.image.manifest.v1+json';
    // Served although require_verified: a signature is what lets the client check the rest.
    await expect
      .poll(
        async () =>
          (
            await fetch(`${stack.contentUrl}/v2/${REPO}/manifests/${sigTag('cosign-ok')}`, {
              headers: { accept: oci },
            })
          ).status,
      )
      .toBe(200);
    const upstreamSig = await fetch(`${registry.url}/v2/${REPO}/manifests/${sigTag('cosign-ok')}`, {
      headers: { accept: oci },
    });
    const mirrored = await fetch(`${stack.contentUrl}/v2/${REPO}/manifests/${sigTag('cosign-ok')}`, {
      headers: { accept: oci },
    });
    expect(mirrored.headers.get('docker-content-digest')).toBe(upstreamSig.headers.get('docker-content-digest'));
    const payload = ((await mirrored.json()) as { layers: { digest: string }[] }).layers[0]!.digest;
    expect((await fetch(`${stack.contentUrl}/v2/${REPO}/blobs/${payload}`)).status).toBe(200);

    // The OCI referrers API lists the mirrored signature, and its artifactType filter works.
    const referrers = (path: string) => fetch(`${stack.contentUrl}/v2/${REPO}/referrers/${path}`);
    const listed = await referrers(digests.get('cosign-ok')!);
    expect(listed.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    expect(((await listed.json()) as { manifests: unknown[] }).manifests).toEqual([
      expect.objectContaining({
        digest: upstreamSig.headers.get('docker-content-digest'),
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      }),
    ]);
    const filtered = await referrers(`${digests.get('cosign-ok')}?artifactType=application/spdx%2Bjson`);
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await filtered.json()) as { manifests: unknown[] }).manifests).toEqual([]);
    expect(((await (await referrers(digests.get('gpg-ok')!)).json()) as { manifests: unknown[] }).manifests).toEqual(
      [],
    );
    expect((await referrers('sha256:nothex')).status).toBe(400);

    // bootdepot's own client, the sync's referrers source: distribution 2.8 has no referrers API (the sync falls
    // back to the .sig tag there), bootdepot's /v2/ has one.
    const upstreamClient = new RegistryClient({ url: registry.url, maxRetries: 0 });
    const originClient = new RegistryClient({ url: stack.contentUrl, maxRetries: 0 });
    try {
      expect(await upstreamClient.listReferrers(REPO, digests.get('cosign-ok')!)).toBeNull();
      expect(
        await originClient.listReferrers(REPO, digests.get('cosign-ok')!, {
          artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        }),
      ).toEqual([expect.objectContaining({ digest: upstreamSig.headers.get('docker-content-digest') })]);
    } finally {
      await upstreamClient.close();
      await originClient.close();
    }

    // The simple signature that verified is served from bootdepot's lookaside store, byte for byte.
    const lookasideOf = (digest: string, n: number) =>
      fetch(`${stack.contentUrl}/lookaside/${REPO}@${digest.replace(':', '=')}/signature-${n}`);
    const upstreamSignature = await fetch(
      `${lookaside.url}/${REPO}@${digests.get('gpg-ok')!.replace(':', '=')}/signature-1`,
    );
    const served = await lookasideOf(digests.get('gpg-ok')!, 1);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.from(await upstreamSignature.arrayBuffer()));
    expect((await lookasideOf(digests.get('gpg-ok')!, 2)).status).toBe(404);
    expect((await lookasideOf(digests.get('cosign-ok')!, 1)).status).toBe(404);

    // The edge: a second remote reading this instance's /v2/ and lookaside, under `require` with the same keys.
    const edgeRemote = await createRemote(stack, {
      url: stack.contentUrl,
      upstream_name: REPO,
      signature_policy: 'require',
      signature_keys: keys,
      sigstore_lookaside_url: `${stack.contentUrl}/lookaside`,
    });
    const edge = await createRepository(stack);
    const task = await sync(stack, edge, edgeRemote, false, 120_000);
    expect(task.state).toBe('completed');
    expect(await presentTags(stack, edge)).toEqual(['cosign-ok', 'gpg-ok', sigTag('cosign-ok')]);
    expect(task.progress_reports.filter((r) => r.code.startsWith('sync.signatures.skipped:'))).toEqual([]);
    const again = await verdicts();
    expect(again.get(digests.get('cosign-ok')!)).toMatchObject({ state: 'verified', kind: 'cosign' });
    expect(again.get(digests.get('gpg-ok')!)).toMatchObject({ state: 'verified', kind: 'simple-signing' });

    // The same keys, but a lookaside that has nothing: the edge keeps only what the mirrored .sig vouches for.
    const blind = await createRemote(stack, {
      url: stack.contentUrl,
      upstream_name: REPO,
      signature_policy: 'require',
      signature_keys: keys,
    });
    const blindEdge = await createRepository(stack);
    const blindTask = await sync(stack, blindEdge, blind, false, 120_000);
    expect(await presentTags(stack, blindEdge)).toEqual(['cosign-ok', sigTag('cosign-ok')]);
    expect(blindTask.progress_reports.map((r) => r.code)).toContain('sync.signatures.skipped:gpg-ok');
  }, 180_000);

  it("skopeo with a policy.json accepts the signed image from bootdepot's /v2/ and lookaside, and refuses the unsigned one", async () => {
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'skopeo-view',
        base_path: 'mirror/netboot',
        repository: `/pulp/api/v3/repositories/netboot/oci/${recordedRepository}/`,
      },
      throwOnError: true,
    });
    const bootdepot = new URL(stack.contentUrl).host;
    // The signatures name the upstream registry's repository; a mirror is trusted for it as containers do it.
    const at = {
      host: bootdepot,
      signedIdentity: {
        type: 'remapIdentity',
        prefix: `${bootdepot}/mirror/netboot`,
        signedPrefix: `${new URL(registry.url).host}/${REPO}`,
      },
    };
    const accepts = (tag: string) =>
      lab.skopeoAccepts(
        'simple',
        'mirror/netboot',
        digests.get(tag)!,
        { publicKeyFile: gpgKeyring },
        `${stack.contentUrl}/lookaside`,
        at,
      );
    await expect.poll(async () => (await fetch(`${stack.contentUrl}/v2/mirror/netboot/tags/list`)).status).toBe(200);
    expect(await accepts('gpg-ok'), `skopeo said ${lab.lastRejection}`).toBe(true);
    expect(await accepts('unsigned')).toBe(false);
    expect(lab.lastRejection).toMatch(/signature/i);
    // Only signatures that verified are mirrored: a stranger's signature is not handed on.
    expect(await accepts('gpg-stranger')).toBe(false);
  }, 180_000);

  it('does not let an artifact pushed under a .sig tag escape require_verified', async () => {
    const fake = `sha256-${'e'.repeat(64)}.sig`;
    const artifact = buildNetbootArtifact({ files: { vmlinuz: makeFile(2048, 'smuggled') } });
    await pushArtifact(registry.url, REPO, fake, artifact);
    // Under `none`, upstream's .sig tags are ordinary tags, synced as they are.
    const plain = await createRemote(stack, { url: registry.url, upstream_name: REPO, include_tags: [fake] });
    const repositoryId = await createRepository(stack);
    expect((await sync(stack, repositoryId, plain)).state).toBe('completed');
    expect(await presentTags(stack, repositoryId)).toEqual([fake]);
    await distributionsNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'smuggled',
        base_path: 'smuggled',
        repository: `/pulp/api/v3/repositories/netboot/oci/${repositoryId}/`,
        require_verified: true,
      },
      throwOnError: true,
    });
    const file = () => fetch(`${stack.contentUrl}/pulp/content/smuggled/${fake}/vmlinuz`);
    await expect.poll(async () => (await file()).status).toBe(403);
    const manifest = await fetch(`${stack.contentUrl}/v2/smuggled/manifests/${fake}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.status).toBe(403);
  }, 120_000);

  it('refuses a malformed key with a 400 naming it', async () => {
    const { error, response } = await remotesNetbootOciCreate({
      client: stack.client,
      body: {
        name: 'bad-keys',
        url: registry.url,
        upstream_name: REPO,
        signature_keys: [keys[0]!, '-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n'],
      },
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(error)).toContain('signature_keys[1] is not a readable PEM public key');
  });
});
