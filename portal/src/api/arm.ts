import { loadSession } from './session.js';
import type { ArmPage } from '../../../src/wire/arm-page.js';

/** A failed ARM call, carrying the server's own code and message (they say what to fix). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Raised when the session is gone or the server refused its token; the shell shows sign-in. */
export class SignedOutError extends ApiError {}

type Query = Record<string, string | undefined>;

export interface CallOptions {
  apiVersion: string;
  body?: unknown;
  query?: Query;
}

const listeners = new Set<(e: SignedOutError) => void>();
/** The shell listens here to drop back to the sign-in screen when a token expires. */
export function onSignedOut(fn: (e: SignedOutError) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function urlOf(path: string, o: CallOptions): string {
  // nextLinks are absolute; keep only path and query so the call stays same-origin (CSP connect-src 'self').
  if (/^https?:/i.test(path)) {
    const u = new URL(path);
    return `${u.pathname}${u.search}`;
  }
  // Microsoft Graph takes no api-version (the version is the path's /v1.0): graph calls pass ''.
  const q = new URLSearchParams(o.apiVersion ? { 'api-version': o.apiVersion } : {});
  for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const query = q.toString();
  return query ? `${path}?${query}` : path;
}

function failure(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const code = err?.code ?? `HTTP${status}`;
  const message = err?.message ?? `The server answered ${status} without an explanation.`;
  if (status === 401) return new SignedOutError(status, code, `${message} Run 'openmi portal' for a new sign-in link.`);
  return new ApiError(status, code, message);
}

/** One call to the public ARM API with the signed-in session's token. */
export async function arm<T = unknown>(method: string, path: string, o: CallOptions): Promise<T> {
  const session = loadSession();
  if (!session) {
    const e = new SignedOutError(
      401,
      'SessionExpired',
      "Your portal session has ended. Run 'openmi portal' for a new sign-in link.",
    );
    listeners.forEach((l) => l(e));
    throw e;
  }
  const headers: Record<string, string> = { authorization: `Bearer ${session.token}`, accept: 'application/json' };
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(urlOf(path, o), {
      method,
      headers,
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
  } catch {
    throw new ApiError(
      0,
      'NetworkError',
      'The openmi server did not answer. Check that `openmi serve` is running, then try again.',
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // A proxy's HTML error page, say: report the status rather than a JSON SyntaxError.
    if (res.ok)
      throw new ApiError(
        res.status,
        'InvalidResponse',
        `The server answered ${res.status} with a body that is not JSON. Check that the portal is served by 'openmi serve' directly.`,
      );
  }
  if (!res.ok) {
    const e = failure(res.status, body);
    if (e instanceof SignedOutError) listeners.forEach((l) => l(e));
    throw e;
  }
  return body as T;
}

/** GETs a collection and follows `nextLink` until the end (or `max` items). */
export async function armList<T>(path: string, o: CallOptions, max = 5_000): Promise<T[]> {
  const out: T[] = [];
  let page = await arm<ArmPage<T>>('GET', path, o);
  out.push(...page.value);
  while (page.nextLink && out.length < max) {
    page = await arm<ArmPage<T>>('GET', page.nextLink, o);
    out.push(...page.value);
  }
  return out;
}
