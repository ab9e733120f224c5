import { type BootArgsInput, bootArguments, safeBootUrl } from './kernel-args';
import { UnsafeBootParameterError } from './netboot.errors';

export interface GrubCfgInput extends BootArgsInput {
  kernelUrl: string;
  initrdUrl: string;
  /** Menu entry title; defaults to "Install". */
  title?: string;
  timeoutSeconds?: number;
}

/** GRUB's network device syntax: `http://host:port/p` → `(http,host:port)/p`. */
export function grubNetworkPath(url: string, what: string): string {
  const parsed = safeBootUrl(url, what);
  if (parsed.protocol === 'tftp:') return `(tftp,${parsed.host})${parsed.pathname}`;
  return `(${parsed.protocol.slice(0, -1)},${parsed.host})${parsed.pathname}${parsed.search}`;
}

/** grub.cfg for UEFI HTTP boot: one menu entry with plain `linux`/`initrd` (grub2 ≥ 2.04 picks the EFI handover). */
export function renderGrubCfg(input: GrubCfgInput): string {
  const title = input.title ?? 'Install';
  if (/[\u0000-\u001f\u007f'\\]/.test(title)) {
    throw new UnsafeBootParameterError(`menu title ${JSON.stringify(title)} contains a quote or control character`);
  }
  const timeout = input.timeoutSeconds ?? 5;
  if (!Number.isSafeInteger(timeout) || timeout < 0) {
    throw new UnsafeBootParameterError(`timeoutSeconds must be a non-negative integer, got ${timeout}`);
  }
  const args = bootArguments(input);
  const linux = ['linux', grubNetworkPath(input.kernelUrl, 'kernelUrl'), ...args].join(' ');
  return [
    `set timeout=${timeout}`,
    'set default=0',
    '',
    `menuentry '${title}' {`,
    `  ${linux}`,
    `  initrd ${grubNetworkPath(input.initrdUrl, 'initrdUrl')}`,
    '}',
    '',
  ].join('\n');
}
