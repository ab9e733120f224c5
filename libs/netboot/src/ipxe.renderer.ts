import { type BootArgsInput, bootArguments, safeBootUrl } from './kernel-args';

export interface IpxeScriptInput extends BootArgsInput {
  kernelUrl: string;
  initrdUrl: string;
}

/**
 * An iPXE script that boots the installer. The initrd is named so UEFI iPXE can hand it to the kernel's EFI
 * stub (`initrd=initrd.img` on the command line); `isset … || dhcp` keeps an address iPXE already has.
 */
export function renderIpxeScript(input: IpxeScriptInput): string {
  const kernel = safeBootUrl(input.kernelUrl, 'kernelUrl').href;
  const initrd = safeBootUrl(input.initrdUrl, 'initrdUrl').href;
  const args = ['initrd=initrd.img', ...bootArguments(input)].join(' ');
  return [
    '#!ipxe',
    'isset ${net0/ip} || dhcp',
    `kernel ${kernel} ${args}`,
    `initrd --name initrd.img ${initrd}`,
    'boot',
    '',
  ].join('\n');
}
