import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** A connection refused because its address is in the deny list (REMOTE_URL_DENY). */
export class DeniedAddressError extends Error {
  override readonly name = 'DeniedAddressError';
  readonly code = 'ERR_ADDRESS_DENIED';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to ${address}, which REMOTE_URL_DENY does not allow`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Addresses a remote may not reach (e.g. loopback, link-local metadata services, the service's own
 * network). Checked on the addresses a name actually resolves to when connecting, so DNS tricks and
 * redirects to other hosts meet the same rule as the configured URL.
 */
export class AddressPolicy {
  private readonly denied = new BlockList();

  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address = '', prefix = ''] = cidr.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      this.denied.addSubnet(address, Number(prefix), family);
    }
  }

  get enabled(): boolean {
    return this.cidrs.length > 0;
  }

  isDenied(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    // An IPv4-mapped IPv6 address reaches the IPv4 host: judge it as that host.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped && this.denied.check(mapped, 'ipv4')) return true;
    return this.denied.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** Throws when `hostname` is a literal address in the deny list (literals never go through `lookup`). */
  assertLiteralAllowed(hostname: string): void {
    const bare = hostname.replace(/^\[|\]$/g, '');
    if (isIP(bare) && this.isDenied(bare)) throw new DeniedAddressError(hostname, bare);
  }

  /** Every address `hostname` resolves to, refused when any of them is denied. */
  async resolveAllowed(hostname: string): Promise<string[]> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    if (isIP(bare)) {
      this.assertLiteralAllowed(bare);
      return [bare];
    }
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(bare, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
    );
    const bad = addresses.find((entry) => this.isDenied(entry.address));
    if (bad) throw new DeniedAddressError(bare, bad.address);
    return addresses.map((entry) => entry.address);
  }

  /** A `lookup` for `net.connect` that refuses denied addresses (the socket then fails with the error). */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const opts = options;
    dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = addresses.find((entry) => this.isDenied(entry.address));
      if (bad) return callback(new DeniedAddressError(hostname, bad.address), []);
      if (opts.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
