import type { IncomingMessage, ServerResponse } from 'node:http';
import { epochSeconds, type Clock } from '../kernel/clock.js';
import { BodyTooLargeError, readBody } from '../kernel/http/body.js';
import type { InstanceCache } from './instance-cache.js';
import { renderedBody } from './metadata-bodies.js';
import { EndpointError, sendJson, sendRendered, unavailable, type SecretDigest } from './metadata-http.js';
import {
  APP_SERVICE_SELECTORS,
  IMDS_SELECTORS,
  LEGACY_SELECTORS,
  parseSelector,
  rejectForwarded,
  requireDatedVersion,
  requireMetadataHeader,
  requireResource,
  single,
} from './metadata-params.js';
import type { RequestGuard } from './request-guard.js';
import type { TokenCache } from './token-cache.js';
import type { IdentitySelector, MintedToken } from './upstream.js';

export interface RouteDeps {
  cache: TokenCache;
  instance: InstanceCache;
  identityHeader: SecretDigest;
  msiSecret: SecretDigest;
  clock: Clock;
  /** The SDKs set no timeout on token calls, so we bound our own wait for the server. */
  answerTimeoutMs: number;
  /** Host, Origin and Sec-Fetch-Site checks, applied before any route. */
  guard: RequestGuard;
  /** The agent's Prometheus metrics (agent-metrics.ts); absent, /metrics is not served. */
  metrics?: { readonly contentType: string; text(): Promise<string> };
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  correlationId: string;
  /** Set by `token`: the cached token that answered, or that the request waited for the server. */
  hit?: MintedToken;
  fromServer?: boolean;
}

/** Cloud Shell bodies are one short form line; anything near this size is not a token request. */
export const MAX_FORM_BYTES = 64 * 1024;
export const APP_SERVICE_VERSION = '2019-08-01';
export const LEGACY_VERSION = '2017-09-01';

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * A hit is answered without the deadline: its timer, promise and race cost ≈ 7 µs, a third of
 * the cached-hit budget of G1 (docs/performance.md). Only a miss waits for the server, and only that wait is bounded.
 */
async function token(
  deps: RouteDeps,
  ctx: RouteContext,
  resource: string,
  selector: IdentitySelector | undefined,
): Promise<MintedToken> {
  const id = () => ctx.correlationId;
  const hit = deps.cache.peek(resource, selector, id);
  if (hit !== undefined) return (ctx.hit = hit);
  // The server mints this one and writes its sign-in row itself.
  ctx.fromServer = true;
  return withDeadline(deps.cache.get(resource, selector, ctx.correlationId), deps.answerTimeoutMs);
}

/** GET /metadata/identity/oauth2/token: the Azure VM protocol every SDK falls back to. */
export async function imdsToken(deps: RouteDeps, ctx: RouteContext): Promise<void> {
  rejectForwarded(ctx.req);
  requireMetadataHeader(ctx.req);
  requireDatedVersion(ctx.query, '2018-02-01');
  const resource = requireResource(ctx.query);
  const selector = parseSelector(ctx.query, IMDS_SELECTORS);
  const minted = await token(deps, ctx, resource, selector);
  sendRendered(ctx.res, renderedBody('imds', minted, resource, epochSeconds(deps.clock)));
}

/** GET /metadata/instance: the first instance API version was 2017-03-01. */
export async function instanceDocument(deps: RouteDeps, ctx: RouteContext): Promise<void> {
  rejectForwarded(ctx.req);
  requireMetadataHeader(ctx.req);
  requireDatedVersion(ctx.query, '2017-03-01');
  const doc = await withDeadline(deps.instance.get(ctx.correlationId), deps.answerTimeoutMs);
  sendJson(ctx.res, 200, doc);
}

/** GET on the App Service path: IDENTITY_ENDPOINT (2019-08-01) or MSI_ENDPOINT + MSI_SECRET (2017-09-01). */
export async function appServiceToken(deps: RouteDeps, ctx: RouteContext): Promise<void> {
  const version = single(ctx.query, 'api-version');
  if (version !== APP_SERVICE_VERSION && version !== LEGACY_VERSION) {
    throw new EndpointError(
      'invalid_request',
      `Unsupported or missing 'api-version' (${version === undefined ? 'none was given' : `got '${version}'`}); accepted here: ` +
        `${APP_SERVICE_VERSION} with header X-IDENTITY-HEADER (IDENTITY_ENDPOINT + IDENTITY_HEADER), ` +
        `or ${LEGACY_VERSION} with header 'secret' (MSI_ENDPOINT + MSI_SECRET).`,
    );
  }
  const legacy = version === LEGACY_VERSION;
  checkSecret(ctx.req, legacy ? 'secret' : 'x-identity-header', legacy ? deps.msiSecret : deps.identityHeader);
  const resource = requireResource(ctx.query);
  const selector = parseSelector(ctx.query, legacy ? LEGACY_SELECTORS : APP_SERVICE_SELECTORS);
  const minted = await token(deps, ctx, resource, selector);
  sendRendered(ctx.res, renderedBody(legacy ? 'legacy' : 'appService', minted, resource, epochSeconds(deps.clock)));
}

const SECRET_SOURCE: Record<string, string> = {
  'x-identity-header': 'the IDENTITY_HEADER environment variable',
  secret: 'the MSI_SECRET environment variable',
};

/** The App Service protocols' only defence against SSRF and other local users. The secret is never echoed. */
function checkSecret(req: IncomingMessage, header: 'x-identity-header' | 'secret', expected: SecretDigest): void {
  if (expected.matches(req.headers[header])) return;
  const state = req.headers[header] === undefined ? 'missing' : 'wrong';
  throw new EndpointError(
    'unauthorized',
    `The '${header === 'secret' ? 'secret' : 'X-IDENTITY-HEADER'}' header is ${state}: send the value of ${SECRET_SOURCE[header]} that the openmi agent gave this workload.`,
  );
}

/**
 * POST on the App Service path: Cloud Shell's protocol, also what `az login --identity` speaks
 * when only MSI_ENDPOINT is set. The protocol has no secret (the CLI sends none), so like IMDS it
 * trusts whoever can reach the endpoint and relies on `Metadata: true` against SSRF.
 */
export async function cloudShellToken(deps: RouteDeps, ctx: RouteContext): Promise<void> {
  rejectForwarded(ctx.req);
  requireMetadataHeader(ctx.req);
  const form = new URLSearchParams(await readForm(ctx.req));
  const resource = requireResource(form);
  const selector = parseSelector(form, IMDS_SELECTORS);
  const minted = await token(deps, ctx, resource, selector);
  sendRendered(ctx.res, renderedBody('imds', minted, resource, epochSeconds(deps.clock)));
}

async function readForm(req: IncomingMessage): Promise<string> {
  try {
    return (await readBody(req, MAX_FORM_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      throw new EndpointError(
        'request_too_large',
        `The form body exceeds ${MAX_FORM_BYTES} bytes; send only resource and one identity selector.`,
      );
    }
    throw err;
  }
}
