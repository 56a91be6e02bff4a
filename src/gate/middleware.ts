import type { IncomingMessage, ServerResponse } from 'node:http';
import { DataPlaneAuthError, type DataPlaneAuthenticator, type DataPlaneCaller } from '../dataplanes/auth/data-plane-auth.js';
import { dataActionFor, type GateRule } from './rules.js';
import { percentEncodeNonAscii } from '../kernel/http/header-text.js';

export const IDENTITY_HEADERS = ['x-openmi-principal-id', 'x-openmi-client-id', 'x-openmi-identity-resource-id'] as const;

export interface GateCheckOptions {
  auth: DataPlaneAuthenticator;
  rules: readonly GateRule[];
  /** The ARM id the gate protects: the scope of every RBAC check. */
  resourceId: string;
}

export type GateDecision = { ok: true; caller: DataPlaneCaller } | { ok: false; status: 401 | 403; body: { error: { code: string; message: string } } };

/** Authenticate, map method + path to a data action, check RBAC. Never throws for a refusal. */
export async function checkRequest(o: GateCheckOptions, req: IncomingMessage): Promise<GateDecision> {
  try {
    const caller = await o.auth.authenticate(req.headers.authorization);
    const path = new URL(req.url ?? '/', 'http://gate').pathname;
    const action = dataActionFor(o.rules, req.method ?? 'GET', path);
    if (!action) return { ok: false, status: 403, body: { error: { code: 'Forbidden', message: `No gate rule allows ${req.method} ${path}.` } } };
    await o.auth.authorize(caller, action, o.resourceId);
    return { ok: true, caller };
  } catch (e) {
    if (e instanceof DataPlaneAuthError) return { ok: false, status: e.status, body: { error: { code: e.code, message: e.message } } };
    throw e;
  }
}

/**
 * Replaces whatever identity headers the caller sent with the verified ones. Values are
 * percent-encoded past ASCII: a resource group may have a Unicode name, and Node refuses to send
 * a header with characters beyond Latin-1.
 */
export function setIdentityHeaders(headers: IncomingMessage['headers'], caller: DataPlaneCaller): void {
  for (const h of IDENTITY_HEADERS) delete headers[h];
  headers['x-openmi-principal-id'] = percentEncodeNonAscii(caller.principalId);
  if (caller.clientId) headers['x-openmi-client-id'] = percentEncodeNonAscii(caller.clientId);
  if (caller.identityResourceId) headers['x-openmi-identity-resource-id'] = percentEncodeNonAscii(caller.identityResourceId);
}

/** Connect/Express-style middleware: refuses with 401/403 JSON, or sets the identity headers and calls next. */
export function gateMiddleware(o: GateCheckOptions & { challenge?: string }) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    checkRequest(o, req).then((d) => {
      if (d.ok) {
        setIdentityHeaders(req.headers, d.caller);
        return next();
      }
      const payload = JSON.stringify(d.body);
      const challenge = d.status === 401 ? { 'www-authenticate': o.challenge ?? `Bearer resource="${o.auth.resource}"` } : {};
      res.writeHead(d.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...challenge });
      res.end(payload);
      // A throw in the answer above is the caller's `next(err)` too, never an unhandled rejection.
    }, next).catch(next);
  };
}
