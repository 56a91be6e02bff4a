import { promises as dns, type LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { forbiddenAddress, type IssuerHostPolicy } from './issuer-hosts.js';

/** Fetches a JSON document; rejects with an IssuerFetchError saying what went wrong. */
export type JsonFetcher = (url: string) => Promise<unknown>;

/** Resolves a host name to every address (dns.lookup: /etc/hosts, then DNS). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

/**
 * Why a fetch failed, with network details (address, status, TLS error). For openmi's log only:
 * the token endpoint answers every failure with one generic message, so that a caller cannot use
 * federated credentials to tell a closed port from a TLS server from an HTTP server.
 */
export class IssuerFetchError extends Error {}

export interface GuardedFetchOptions {
  policy: IssuerHostPolicy;
  /** Extra trust anchors (PEM). Default: Node's CA store (plus NODE_EXTRA_CA_CERTS). */
  ca?: string;
  /** Until the TLS handshake completes. Default 3 s. */
  connectTimeoutMs?: number;
  /** The whole exchange, connect to last byte. Default 5 s: a token request waits on it. */
  timeoutMs?: number;
  /** Default 256 KiB: discovery documents and JWKS are a few KiB. */
  maxBytes?: number;
  /** Default: dns.lookup with every address. Injectable so tests never need real DNS. */
  resolve?: Resolver;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
export const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
export const DEFAULT_FETCH_MAX_BYTES = 256 * 1024;

const systemResolver: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

/**
 * Resolves, checks every address, and hands the connection exactly the addresses it checked: the
 * socket connects to what was checked, so DNS cannot answer differently between check and connect
 * (rebinding). A host on the operator's allow-list may resolve anywhere.
 */
function guardedLookup(resolve: Resolver, allowListed: boolean): LookupFunction {
  return (host, opts, callback) => {
    resolve(host)
      .then((all) => {
        const addrs = opts.family === 4 || opts.family === 6 ? all.filter((a) => a.family === opts.family) : all;
        if (addrs.length === 0) throw new IssuerFetchError(`${host} has no address`);
        const bad = allowListed ? undefined : addrs.find((a) => forbiddenAddress(a.address));
        if (bad)
          throw new IssuerFetchError(
            `${host} resolves to ${bad.address}, ${forbiddenAddress(bad.address)}; refused before connecting`,
          );
        if (opts.all) callback(null, addrs);
        else callback(null, addrs[0]!.address, addrs[0]!.family);
      })
      .catch((e: NodeJS.ErrnoException) => callback(e, ''));
  };
}

/** Reads a 200 JSON body of at most `maxBytes`; anything else (redirects included) is a failure. */
function readJson(res: IncomingMessage, u: URL, maxBytes: number, finish: (e?: Error, v?: unknown) => void): void {
  if (res.statusCode !== 200) {
    const redirect =
      res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed)' : '';
    return finish(new IssuerFetchError(`GET ${u.href} answered HTTP ${res.statusCode}${redirect}`));
  }
  if (Number(res.headers['content-length'] ?? 0) > maxBytes)
    return finish(new IssuerFetchError(`GET ${u.href} announced more than ${maxBytes} bytes`));
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (c: Buffer) => {
    size += c.length;
    if (size > maxBytes) return finish(new IssuerFetchError(`GET ${u.href} returned more than ${maxBytes} bytes`));
    chunks.push(c);
  });
  res.on('error', (e) => finish(new IssuerFetchError(`GET ${u.href} failed while reading: ${e.message}`)));
  res.on('end', () => {
    try {
      finish(undefined, JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      finish(new IssuerFetchError(`GET ${u.href} did not return JSON`));
    }
  });
}

function get(u: URL, o: GuardedFetchOptions): Promise<unknown> {
  const connectMs = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const totalMs = o.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error, value?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(total);
      clearTimeout(connect);
      req.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    // No agent: no pooled socket carries a connection made under another check.
    const lookup = guardedLookup(o.resolve ?? systemResolver, o.policy.isAllowListed(u.hostname));
    const req = request(
      u,
      { method: 'GET', agent: false, headers: { accept: 'application/json' }, lookup, ...(o.ca ? { ca: o.ca } : {}) },
      (res) => readJson(res, u, o.maxBytes ?? DEFAULT_FETCH_MAX_BYTES, finish),
    );
    const total = setTimeout(
      () => finish(new IssuerFetchError(`GET ${u.href} took longer than ${totalMs} ms`)),
      totalMs,
    );
    const connect = setTimeout(
      () => finish(new IssuerFetchError(`GET ${u.href}: no TLS connection within ${connectMs} ms`)),
      connectMs,
    );
    req.on('socket', (s) => s.once('secureConnect', () => clearTimeout(connect)));
    req.on('error', (e) =>
      finish(e instanceof IssuerFetchError ? e : new IssuerFetchError(`GET ${u.href} failed: ${e.message}`)),
    );
    req.end();
  });
}

/**
 * The fetcher for OpenID discovery and JWKS. Every URL passes the host policy before any
 * connection (literal IP addresses never reach DNS or the network), host names are checked again
 * after resolution, no redirect is followed, and the exchange is bounded in time and size.
 */
export function guardedJsonFetcher(o: GuardedFetchOptions): JsonFetcher {
  return async (url) => {
    const why = o.policy.refusal(url);
    if (why) throw new IssuerFetchError(`refused ${url.slice(0, 200)} before connecting: ${why}`);
    return get(new URL(url), o);
  };
}
