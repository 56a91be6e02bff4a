import type { IncomingMessage } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { EndpointError } from './metadata-http.js';

/**
 * Who may talk to the metadata endpoints at all, checked before any route (and by the IMDS fast
 * path) so every endpoint family decides alike. Two threats, both from a browser on the workload's
 * host (docs/managed-identity-tokens.md, "Browsers and DNS rebinding"):
 *
 * - DNS rebinding: a page on `evil.example` re-points its own name at the agent's address. The
 *   browser then thinks the agent is same-origin, may set `Metadata: true` and read the answer;
 *   only the `Host` header (`evil.example:PORT`) still tells. So, like Azure IMDS, the agent answers
 *   only requests whose Host names it.
 * - Cross-site requests: browsers mark every request they send with `Sec-Fetch-Site` (and
 *   cross-origin or non-GET ones with `Origin`); no SDK or CLI sends either (both are names a page
 *   cannot set). The agent serves nothing to browsers, so any of them is refused, whatever its
 *   value: under rebinding the value is `same-origin`, and `none` (a typed-in URL) cannot carry
 *   the `Metadata` header or a secret anyway. CORS preflights (OPTIONS with Origin) are refused
 *   the same way, and no answer ever carries an Access-Control-* header.
 */

/** Azure's link-local IMDS address, routed to the agent by DNAT (docs/managed-identity-tokens.md). */
export const IMDS_ADDRESS = '169.254.169.254';

const BROWSER_REFUSED = new EndpointError(
  'browser_request_refused',
  'The openmi agent does not answer browsers: this request carried an Origin or Sec-Fetch-Site header, which only browsers send. ' +
    'Request tokens from an Azure SDK or tool running on this host.',
);

const isLoopback = (ip: string): boolean => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
const isWildcard = (ip: string): boolean => ip === '0.0.0.0' || ip === '::';
const hostOf = (ip: string, port: number): string => `${isIP(ip) === 6 ? `[${ip}]` : ip}:${port}`;

/** Splits a Host value into name and port ('' when absent); undefined if it is not name[:port]. */
function splitHost(host: string): { name: string; port: string } | undefined {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const rest = host.slice(end + 1);
    if (end < 0 || (rest !== '' && !rest.startsWith(':'))) return undefined;
    return { name: host.slice(1, end), port: rest.slice(1) };
  }
  const colon = host.indexOf(':');
  if (colon < 0) return { name: host, port: '' };
  if (host.indexOf(':', colon + 1) >= 0) return undefined;
  return { name: host.slice(0, colon), port: host.slice(colon + 1) };
}

export class RequestGuard {
  /** Lower-case Host values admitted as they are. */
  private allowed = new Set<string>();
  /** The bound address as clients spell it (what `openmi run`/`env` hand out): one compare on the hot path. */
  private primary: string | null = null;
  /** Set when bound to every address: any IP literal on this port is the agent. */
  private wildcardPort: number | undefined;
  private hostRefused = this.hostError('no address yet');

  /** `extraHosts`: further Host values (name:port) the agent is reached by, e.g. a container network's service name. */
  constructor(private readonly extraHosts: readonly string[] = []) {}

  /**
   * Learns the listening address (the port may have been 0). Admitted: the bound IP:port
   * (without the port when it is 80); `localhost` when bound to loopback (a browser never
   * resolves it elsewhere); 169.254.169.254 with or without :80 (an IP literal cannot be
   * rebound, and it is where SDKs look by default); the operator's extra hosts. Bound to a
   * wildcard address, the agent is reachable at every address of the host, which can change at
   * runtime, so any IP literal on its port is admitted: rebinding always needs a name.
   */
  bind(address: AddressInfo | string | null): void {
    if (address === null || typeof address === 'string') return;
    const ip = address.address.toLowerCase();
    const port = address.port;
    const names = isWildcard(ip) ? ['localhost'] : isLoopback(ip) ? [ip, 'localhost'] : [ip];
    const hosts = names.map((n) => (n === 'localhost' ? `localhost:${port}` : hostOf(n, port)));
    if (port === 80) hosts.push(...names.map((n) => (isIP(n) === 6 ? `[${n}]` : n)));
    hosts.push(IMDS_ADDRESS, `${IMDS_ADDRESS}:80`, ...this.extraHosts.map((h) => h.toLowerCase()));
    this.allowed = new Set(hosts);
    this.primary = hosts[0]!;
    this.wildcardPort = isWildcard(ip) ? port : undefined;
    const shown = isWildcard(ip) ? [`any IP address of this host on port ${port}`, ...hosts] : hosts;
    this.hostRefused = this.hostError(shown.join(', '));
  }

  /**
   * The hot-path check (IMDS fast path): two absent headers and one string compare for a
   * request from a real client (≈ 30 ns); anything else is left to `check`, which explains.
   */
  admits(req: IncomingMessage): boolean {
    const h = req.headers;
    if (h.origin !== undefined || h['sec-fetch-site'] !== undefined) return false;
    const host = h.host;
    return host === this.primary || this.otherHost(host);
  }

  /** Throws the refusal the full route answers with. */
  check(req: IncomingMessage): void {
    const h = req.headers;
    if (h.origin !== undefined || h['sec-fetch-site'] !== undefined) throw BROWSER_REFUSED;
    const host = h.host;
    if (host !== this.primary && !this.otherHost(host)) throw this.hostRefused;
  }

  /** The other admitted names, upper-case spellings, and IP literals when bound to a wildcard address. */
  private otherHost(host: string | undefined): boolean {
    if (host === undefined || host === '') return false;
    if (this.allowed.has(host)) return true;
    const lower = host.toLowerCase();
    if (this.allowed.has(lower)) return true;
    if (this.wildcardPort === undefined) return false;
    const parts = splitHost(lower);
    if (parts === undefined || isIP(parts.name) === 0) return false;
    return parts.port === String(this.wildcardPort) || (parts.port === '' && this.wildcardPort === 80);
  }

  private hostError(where: string): EndpointError {
    return new EndpointError(
      'host_not_allowed',
      `The Host header does not name this openmi agent (a defence against DNS rebinding). Reach it as one of: ${where}; ` +
        'or start the agent with --allow-host NAME:PORT for a name it is reached by.',
    );
  }
}
