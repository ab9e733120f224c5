import { renderGrubCfg, renderIpxeScript, renderTreeinfo, treePathsFor, UnsafeBootParameterError } from '@app/netboot';
import { encodePath } from '../http/html';
import { artifactFacts } from './artifact-facts';
import type { ArtifactContext, GeneratedName } from './content-node';

/** Per-host kernel arguments (`?args=`): a conservative alphabet on top of the netboot library's checks. */
const HOST_ARGS_RE = /^[A-Za-z0-9 ._,:=/+@%~-]*$/;
const MAX_HOST_ARGS = 1024;

export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

export function validateHostArgs(value: string | null): string | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (value.length > MAX_HOST_ARGS || !HOST_ARGS_RE.test(value)) {
    throw new BadRequestError(
      `args must be at most ${MAX_HOST_ARGS} characters of letters, digits, spaces and . _ , : = / + @ % ~ -`,
    );
  }
  return value;
}

/**
 * `.treeinfo`, `boot.ipxe` and `grub.cfg` for one artifact. Boot scripts point at the manifest digest, so a
 * host that started installing keeps getting the same kernel, initrd and stage2 when the tag moves.
 */
export function renderGenerated(
  name: GeneratedName,
  artifact: ArtifactContext,
  options: { contentOrigin: string; hostArgs?: string; grant?: string | null },
): string {
  const tree = treePathsFor([...artifact.manifest.files.values()]);
  if (name === '.treeinfo') {
    const facts = artifactFacts(artifact);
    return renderTreeinfo({
      name: facts.name,
      version: facts.version,
      arch: facts.arch ?? 'noarch',
      buildTimestamp: Math.floor(artifact.version.createdAt.getTime() / 1000),
      files: tree.map((entry) => ({ path: entry.path, digest: entry.file.digest })),
    });
  }
  const root = `${options.contentOrigin}/pulp/content/${encodePath([
    ...artifact.distribution.basePath.split('/'),
    artifact.manifest.digest,
  ])}/`;
  const hasStage2 = tree.some((entry) => entry.path === 'images/install.img');
  const kernelArgs = [artifact.distribution.kernelArgs, options.hostArgs].filter((a): a is string => !!a);
  // A host let in by a signed grant needs the grant on every URL the script sends it to.
  const query = options.grant ? `?grant=${options.grant}` : '';
  const input = {
    kernelUrl: `${root}images/pxeboot/vmlinuz${query}`,
    initrdUrl: `${root}images/pxeboot/initrd.img${query}`,
    stage2Url: hasStage2 ? `${root}${query}` : undefined,
    repoUrl: `${root}${query}`,
    kernelArgs,
  };
  try {
    return name === 'boot.ipxe' ? renderIpxeScript(input) : renderGrubCfg(input);
  } catch (error) {
    if (error instanceof UnsafeBootParameterError && options.hostArgs) throw new BadRequestError(error.message);
    throw error;
  }
}
