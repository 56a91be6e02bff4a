import { BlockList, isIP } from 'node:net';

/**
 * Which hosts openmi may connect to for OpenID discovery of a federated credential's issuer.
 *
 * The threat: anyone who may write a federated credential names the issuer URL, and then any
 * caller, unauthenticated, makes openmi fetch `{issuer}/.well-known/openid-configuration` by
 * presenting an assertion with that `iss`. Left open, that turns openmi into a proxy into its own
 * network (cloud metadata at 169.254.169.254, admin ports on loopback, private services) and a port
 * scanner. So only https URLs with public hosts are fetched, unless an operator allow-lists a host
 * (`federationAllowedIssuerHosts`); a private issuer can always be trusted without any fetch by
 * registering its JWKS (`openmi federation-issuer add`).
 */

/** Ranges a discovery fetch never connects to (RFC 6890 special-purpose registries). */
const FORBIDDEN: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT (shared) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address (where cloud metadata services answer)'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'an IETF protocol address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.88.99.0', 24, 'ipv4', 'a 6to4 relay address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved or broadcast address'],
  // IPv4-mapped (::ffff:a.b.c.d) addresses are checked against the IPv4 ranges by BlockList itself.
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['::', 96, 'ipv6', 'an IPv4-compatible address'],
  ['64:ff9b::', 96, 'ipv6', 'a NAT64 address (it can reach IPv4 private ranges)'],
  ['64:ff9b:1::', 48, 'ipv6', 'a local-use NAT64 address'],
  ['100::', 64, 'ipv6', 'a discard-only address'],
  ['2001::', 23, 'ipv6', 'an IETF protocol address (Teredo and others)'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address (it can embed IPv4 private ranges)'],
  ['fc00::', 7, 'ipv6', 'a unique local (private) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const blocks = FORBIDDEN.map(([net, prefix, type, why]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return { list, why };
});

/** Names that only ever mean this machine or a local network (RFC 6761, RFC 8375, ICANN's .internal). */
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.lan', '.intranet', '.corp'];

/** `[::1]` → `::1`, `Example.COM.` → `example.com`: the form hosts are compared in. */
export const normalizeHost = (host: string): string =>
  host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

/** Why an IP address is not a public unicast address, or undefined if it is one. */
export function forbiddenAddress(ip: string): string | undefined {
  const type = isIP(ip);
  if (type === 0) return 'not an IP address';
  const family = type === 4 ? 'ipv4' : 'ipv6';
  return blocks.find((b) => b.list.check(ip, family))?.why;
}

export class IssuerHostPolicy {
  private readonly allowed: Set<string>;

  /**
   * @param allowedHosts operator's allow-list (config `federationAllowedIssuerHosts`): host names
   *   or IP addresses that may be fetched whatever they resolve to, on any port.
   * @param ownIssuer openmi's own workload issuer: served from the KeyRing, never fetched.
   */
  constructor(
    allowedHosts: readonly string[],
    readonly ownIssuer: string,
  ) {
    this.allowed = new Set(allowedHosts.map(normalizeHost));
  }

  isAllowListed(host: string): boolean {
    return this.allowed.has(normalizeHost(host));
  }

  /**
   * Why openmi must not fetch from `url`, judged from the URL alone (no DNS), or undefined.
   * Host names pass here; their addresses are checked again after resolution, at connect time.
   */
  refusal(url: string): string | undefined {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return 'it is not a URL';
    }
    if (u.protocol !== 'https:')
      return `it is not https (${u.protocol.slice(0, 10)}); signing keys are only fetched over https`;
    if (u.username || u.password) return 'it carries a user name or password';
    const host = normalizeHost(u.hostname);
    if (this.allowed.has(host)) return undefined;
    if (isIP(host)) {
      const why = forbiddenAddress(host);
      return why && `${host} is ${why}`;
    }
    if (host === 'localhost' || LOCAL_SUFFIXES.some((s) => host.endsWith(s)))
      return `${host} is a local-only host name`;
    if (!host.includes('.')) return `${host} is a single-label host name, which resolves within a local network`;
    return undefined;
  }

  /** `refusal` for a federated credential's issuer: openmi's own issuer is always fine. */
  issuerRefusal(issuer: string): string | undefined {
    return issuer === this.ownIssuer ? undefined : this.refusal(issuer);
  }
}
