import { azureHostKind } from '../../wire/azure-hosts.js';

/** True when `hostname` is the zone itself or a name under it (case-insensitive, trailing dot ignored). */
export function inZone(hostname: string, zone: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  const z = zone.toLowerCase().replace(/^\.|\.$/g, '');
  return h === z || h.endsWith(`.${z}`);
}

type Lookup = (hostname: string, ...rest: unknown[]) => void;

/** Wraps a `dns.lookup`: names in the zone are looked up as `target` (the server's host) instead. */
export function dataPlaneLookup(original: Lookup, zone: string, target: string): Lookup {
  return function lookup(hostname: string, ...rest: unknown[]): void {
    original(typeof hostname === 'string' && inZone(hostname, zone) ? target : hostname, ...rest);
  };
}

/** Where Azure's served names are sent: the openmi server's address and HTTPS port. */
export interface AzureTarget {
  host: string;
  port: number;
}

/** `host:port` (IPv6 in brackets) from OPENMI_AZURE_TARGET; undefined when absent or malformed. */
export function parseAzureTarget(value: string | undefined): AzureTarget | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value ?? '');
  const port = Number(m?.[2]);
  return m && port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

/** The code a stopped Azure name fails with: distinct, so SDKs do not retry it as a network blip. */
export const UNSERVED_CODE = 'EOPENMI_UNSERVED';

/** The error a workload sees for an Azure name openmi does not serve (docs/clients.md#azure-host-names). */
export function unservedError(hostname: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(
    `openmi run: '${hostname}' is an Azure service openmi does not serve, so the connection was stopped ` +
      `before leaving this machine. openmi answers on management.azure.com, login.microsoftonline.com, ` +
      `graph.microsoft.com, {vault}.vault.azure.net, {account}.{blob,dfs,queue,table}.core.windows.net.`,
  );
  e.code = UNSERVED_CODE;
  e.syscall = 'getaddrinfo';
  (e as { hostname?: string }).hostname = hostname;
  return e;
}

/**
 * Wraps a `dns.lookup` for Azure's names: served ones resolve to the openmi server (a connection
 * that escaped the port redirect then fails locally instead of reaching Azure), other Azure names
 * fail with `unservedError`, everything else is looked up as before.
 */
export function azureLookup(original: Lookup, target: AzureTarget): Lookup {
  return function lookup(hostname: string, ...rest: unknown[]): void {
    const kind = typeof hostname === 'string' ? azureHostKind(hostname) : undefined;
    if (kind === 'unserved') {
      const cb = rest[rest.length - 1];
      if (typeof cb === 'function') process.nextTick(() => (cb as (e: Error) => void)(unservedError(hostname)));
      return;
    }
    original(kind === 'served' ? target.host : hostname, ...rest);
  };
}

interface ConnectOptions {
  host?: unknown;
  port?: unknown;
  path?: unknown;
}

/**
 * The options a socket connecting to a served Azure name on 443 should use instead: the openmi
 * server's address and port. TLS keeps its own copy of the original options, so the SNI name and
 * the certificate check stay those of the Azure name (which openmi's certificate covers).
 */
export function redirectedOptions<T extends ConnectOptions>(options: T, target: AzureTarget): T | undefined {
  // http's request options reach here whole, with `path: null`; a non-empty path is a Unix socket.
  if (typeof options.host !== 'string' || (options.path !== undefined && options.path !== null)) return undefined;
  if (azureHostKind(options.host) !== 'served') return undefined;
  if (options.port !== undefined && Number(options.port) !== 443) return undefined;
  return { ...options, host: target.host, port: target.port };
}

type Connect = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps `net.Socket.prototype.connect`, which every Node client reaches (http, https, tls and
 * fetch/undici): calls with an options object (plain or in Node's normalized array) are redirected
 * by `redirectedOptions`; the rest pass unchanged.
 */
export function azureConnect(original: Connect, target: AzureTarget): Connect {
  return function connect(this: unknown, ...args: unknown[]): unknown {
    const first = args[0];
    const [options, cb] = Array.isArray(first) ? [first[0] as unknown, first[1] as unknown] : [first, args[1]];
    if (typeof options !== 'object' || options === null) return original.apply(this, args);
    const redirected = redirectedOptions(options as ConnectOptions, target);
    if (!redirected) return original.apply(this, args);
    return original.call(this, redirected, typeof cb === 'function' ? cb : undefined);
  };
}
