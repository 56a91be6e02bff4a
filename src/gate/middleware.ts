import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DataPlaneAuthError,
  type DataPlaneAuthenticator,
  type DataPlaneCaller,
} from '../server/surfaces/data-plane-auth/data-plane-auth.js';
import { setIdentityHeaders } from './forward-headers.js';
import { normalizeRequestTarget } from './request-target.js';
import { matchRule } from './rule-match.js';
import type { GatePolicy } from './rules.js';

export interface GateCheckOptions {
  auth: DataPlaneAuthenticator;
  policy: GatePolicy;
  /** The ARM id the gate protects: the scope of every RBAC check. */
  resourceId: string;
}

export type Refusal = { ok: false; status: 400 | 401 | 403; body: { error: { code: string; message: string } } };
/** `target` is the normalized path and the original query: the one thing authorized, the one thing to forward. */
export type GateDecision = { ok: true; target: string; caller: DataPlaneCaller | undefined } | Refusal;

const refusal = (status: Refusal['status'], code: string, message: string): Refusal => ({
  ok: false,
  status,
  body: { error: { code, message } },
});
/** Bounded, so a long path does not make a long answer. */
const shown = (path: string): string => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

/**
 * Normalize the target (400 if it cannot be read one way), authenticate, map method + normalized
 * path to a data action, check RBAC. Never throws for a refusal.
 */
export async function checkRequest(o: GateCheckOptions, req: IncomingMessage): Promise<GateDecision> {
  const t = normalizeRequestTarget(req.url ?? '');
  if (!t.ok) return refusal(400, 'InvalidRequestPath', `The gate cannot forward this request target: ${t.reason}.`);
  const target = t.path + t.query;
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'OPTIONS' && o.policy.options === 'forward-unauthenticated')
    return { ok: true, target, caller: undefined };
  try {
    const caller = await o.auth.authenticate(req.headers.authorization);
    const m = matchRule(o.policy, method, t.segments);
    if (m.kind === 'case-ambiguous')
      return refusal(
        403,
        'Forbidden',
        `${method} ${shown(t.path)} would match a different gate rule if letter case were ignored; use the path's usual letter case (the gate's pathCase is "strict").`,
      );
    if (m.kind === 'none') return refusal(403, 'Forbidden', `No gate rule allows ${method} ${shown(t.path)}.`);
    await o.auth.authorize(caller, m.dataAction, o.resourceId);
    return { ok: true, target, caller };
  } catch (e) {
    if (e instanceof DataPlaneAuthError) return refusal(e.status, e.code, e.message);
    throw e;
  }
}

/** The one place gate refusals are rendered: JSON, with the Bearer challenge on 401. */
export function sendRefusal(
  res: ServerResponse,
  d: Refusal,
  o: { auth: DataPlaneAuthenticator; challenge?: string },
): void {
  const payload = JSON.stringify(d.body);
  const challenge =
    d.status === 401 ? { 'www-authenticate': o.challenge ?? `Bearer resource="${o.auth.resource}"` } : {};
  res.writeHead(d.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...challenge,
  });
  res.end(payload);
}

/**
 * Connect/Express-style middleware: refuses with 400/401/403 JSON, or rewrites `req.url` to the
 * normalized target (so the app routes exactly what was authorized), replaces every client-sent
 * `x-openmi-*` header with the verified identity and calls next.
 */
export function gateMiddleware(o: GateCheckOptions & { challenge?: string }) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    checkRequest(o, req)
      .then((d) => {
        if (!d.ok) return sendRefusal(res, d, o);
        req.url = d.target;
        setIdentityHeaders(req.headers, d.caller);
        next();
        // A throw in the answer above is the caller's `next(err)` too, never an unhandled rejection.
      }, next)
      .catch(next);
  };
}
