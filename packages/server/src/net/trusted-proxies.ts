/**
 * Which client address a request counts as, for the rate limiters. The
 * socket's peer is the client unless it is a proxy the operator named by
 * CIDR (`trustProxy`); then the client is the rightmost X-Forwarded-For
 * entry that is not itself a trusted proxy. A header from any other peer is
 * ignored: believing it would let anyone pick the address they are limited
 * under (and so escape the limits, or exhaust someone else's).
 */
import { BlockList, isIP } from 'node:net';

/** Longest X-Forwarded-For entry looked at; longer ones are not addresses. */
const MAX_ENTRY_LENGTH = 64;

/** Strips the IPv4-mapped IPv6 prefix so `::ffff:10.0.0.1` matches `10.0.0.0/8`. */
function plain(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? (m[1] as string) : address;
}

/** Throws a RangeError naming the entry unless `cidr` is `ADDRESS` or `ADDRESS/PREFIX`. */
function addCidr(list: BlockList, cidr: string): void {
  const [address = '', prefixText, extra] = cidr.trim().split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new RangeError(`"${cidr}" is not an address range like 10.0.0.0/8 or fd00::/8`);
  }
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

/** The set of proxies whose X-Forwarded-For is believed. */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** @example new TrustedProxies(['127.0.0.1/32', '10.0.0.0/8']) */
  constructor(cidrs: readonly string[]) {
    for (const c of cidrs) addCidr(this.list, c);
    this.empty = cidrs.length === 0;
  }

  /** True if `address` (as a socket reports it) lies in a trusted range. */
  trusts(address: string): boolean {
    if (this.empty) return false;
    const a = plain(address);
    const family = isIP(a);
    return family !== 0 && this.list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * The address a request counts as: `peer` itself, or, when `peer` is trusted,
   * the rightmost forwarded entry that is not a trusted proxy (earlier entries
   * were written by the client and prove nothing).
   */
  clientAddress(peer: string, forwardedFor: string | undefined): string {
    if (!forwardedFor || !this.trusts(peer)) return plain(peer);
    const hops = forwardedFor.split(',').map((h) => h.trim());
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = plain(hops[i] as string);
      if (hop.length > MAX_ENTRY_LENGTH || isIP(hop) === 0) return plain(peer);
      if (!this.trusts(hop)) return hop;
    }
    return plain(peer);
  }
}
