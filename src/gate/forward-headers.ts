import { percentEncodeNonAscii } from '../kernel/http/header-text.js';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { DataPlaneCaller } from '../server/surfaces/data-plane-auth/data-plane-auth.js';

/** Prefix of the headers the gate vouches for: every client-sent one is dropped, not only the ones it sets. */
export const IDENTITY_PREFIX = 'x-openmi-';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and their common non-standard kin: they describe one connection, not the request. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'http2-settings',
]);
/**
 * Headers upstreams use to learn who connected and how. The client can write anything in them,
 * and the upstream trusts the gate's: the gate drops the client's and sets its own.
 */
const CLIENT_ADDRESS = new Set([
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'x-original-url',
  'x-rewrite-url',
  'x-original-uri',
]);
const isClientAddress = (h: string): boolean => CLIENT_ADDRESS.has(h) || h.startsWith('x-forwarded-');

/** What the gate knows about the connection the request came on. */
export interface ForwardContext {
  /** The peer's address as the gate's socket saw it. */
  remoteAddress: string | undefined;
  /** The upstream's host:port, for the Host header. */
  upstreamHost: string;
  /** The verified caller, or undefined for a request forwarded unauthenticated (OPTIONS preflight). */
  caller: DataPlaneCaller | undefined;
}

export function identityHeaders(caller: DataPlaneCaller | undefined): OutgoingHttpHeaders {
  if (!caller) return {};
  // Percent-encoded past ASCII: a resource group may have a Unicode name, and Node refuses to
  // send a header with characters beyond Latin-1 (docs/security.md, finding 1).
  const h: OutgoingHttpHeaders = { 'x-openmi-principal-id': percentEncodeNonAscii(caller.principalId) };
  if (caller.clientId) h['x-openmi-client-id'] = percentEncodeNonAscii(caller.clientId);
  if (caller.identityResourceId) h['x-openmi-identity-resource-id'] = percentEncodeNonAscii(caller.identityResourceId);
  return h;
}

/**
 * The headers sent upstream: the client's end-to-end headers, without hop-by-hop ones (and those
 * its Connection header names, which could otherwise strip the identity headers at a proxy behind
 * the gate), with framing set by the gate, and identity and address headers only from the gate.
 */
export function forwardHeaders(incoming: IncomingHttpHeaders, ctx: ForwardContext): OutgoingHttpHeaders {
  const named = new Set(
    String(incoming.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase()),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (
      value === undefined ||
      HOP_BY_HOP.has(name) ||
      named.has(name) ||
      isClientAddress(name) ||
      name.startsWith(IDENTITY_PREFIX)
    )
      continue;
    // Expect is answered by the gate itself, which decides whether to ask the upstream (proxy.ts, RFC 9110 §10.1.1).
    if (name === 'host' || name === 'content-length' || name === 'expect') continue;
    out[name] = value;
  }
  // Node has already de-chunked the body (and refused a request with both framings); re-frame it.
  if (incoming['content-length'] !== undefined) out['content-length'] = incoming['content-length'];
  else if (incoming['transfer-encoding'] !== undefined) out['transfer-encoding'] = 'chunked';
  out.host = ctx.upstreamHost;
  if (ctx.remoteAddress) out['x-forwarded-for'] = ctx.remoteAddress;
  if (incoming.host) out['x-forwarded-host'] = incoming.host;
  out['x-forwarded-proto'] = 'http';
  return { ...out, ...identityHeaders(ctx.caller) };
}

/** Upstream answer headers without hop-by-hop ones: the gate's own connection to the client decides those. */
export function responseHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(incoming.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase()),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming))
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  return out;
}

/** For the in-process middleware: replaces whatever identity headers the caller sent with the verified ones. */
export function setIdentityHeaders(headers: IncomingHttpHeaders, caller: DataPlaneCaller | undefined): void {
  for (const h of Object.keys(headers)) if (h.startsWith(IDENTITY_PREFIX)) delete headers[h];
  Object.assign(headers, identityHeaders(caller));
}
