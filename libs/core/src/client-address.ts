import type { IncomingMessage } from 'node:http';
import { BlockList, isIP, type Socket } from 'node:net';

/**
 * The address of the client behind trusted reverse proxies (TRUSTED_PROXIES). `X-Forwarded-For` is read
 * from the right, where the nearest proxy appended what it saw; hops are skipped while they are trusted
 * proxies themselves, and the first untrusted address is the client. A peer that is not a trusted proxy
 * is the client, whatever headers it sends (anyone can write X-Forwarded-For).
 */
export class ClientAddressResolver {
  private readonly trusted = new BlockList();
  /**
   * Each connection's peer address, read once: `socket.remoteAddress` goes through two getters and node's
   * `_getpeername` on every call (~550 instructions, a measurable share of a small content request).
   */
  private readonly peers = new WeakMap<Socket, string>();

  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address = '', prefix = ''] = cidr.split('/');
      this.trusted.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  isTrusted(address: string | undefined): boolean {
    if (!address) return false;
    const bare = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    const family = isIP(bare);
    return family !== 0 && this.trusted.check(bare, family === 6 ? 'ipv6' : 'ipv4');
  }

  clientOf(req: IncomingMessage): string {
    const peer = this.peerOf(req.socket);
    if (this.cidrs.length === 0 || !this.isTrusted(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) return peer; // a malformed chain: trust nothing in it
      if (!this.isTrusted(hop)) return hop;
    }
    return hops[0] ?? peer;
  }

  private peerOf(socket: Socket): string {
    let peer = this.peers.get(socket);
    if (peer === undefined) {
      // Undefined once the socket is gone: not kept, a later call on a live socket reads it again.
      const address = socket.remoteAddress;
      if (address === undefined) return 'unknown';
      this.peers.set(socket, (peer = address));
    }
    return peer;
  }
}
