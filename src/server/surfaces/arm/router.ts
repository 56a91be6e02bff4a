import { ArmError } from './arm-errors.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import type { PrincipalRecord } from '../../../store/records.js';

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST' | 'HEAD';

/** What an ARM operation handler receives. */
export interface ArmCall {
  ctx: RequestContext;
  params: Record<string, string>;
  apiVersion: string;
  /** The authenticated caller; undefined only on anonymous routes. */
  caller: PrincipalRecord | undefined;
  /** Parsed JSON body (InvalidRequestContent is raised before the handler for bad JSON). */
  body: unknown;
}

export interface ArmResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ArmOperation {
  /** The RBAC action this operation needs at the request's scope (kept in this table so arm-surface.ts authorizes in one place). */
  action: string;
  /**
   * Any authenticated principal may call it, as in Azure: tenant and subscription listings
   * (filtered to what the caller can see by the handler), provider and operation catalogues.
   */
  everyone?: boolean;
  handle(call: ArmCall): Promise<ArmResult>;
}

export interface ArmRoute {
  /** Case-insensitive; `{x}` matches one segment; a leading `{*scope}` matches any prefix. */
  pattern: string;
  /** `Namespace/type` for api-version errors. */
  resourceType: string;
  apiVersions: readonly string[];
  /** No bearer token needed (only /metadata/endpoints, which clients read before they log in). */
  anonymous?: boolean;
  methods: Partial<Record<HttpMethod, ArmOperation>>;
}

interface Compiled {
  route: ArmRoute;
  scoped: boolean;
  parts: { literal?: string; param?: string }[];
}

export interface RouteMatch {
  route: ArmRoute;
  params: Record<string, string>;
}

function compile(route: ArmRoute): Compiled {
  const raw = route.pattern.split('/').filter(Boolean);
  const scoped = raw[0] === '{*scope}';
  const parts = (scoped ? raw.slice(1) : raw).map((p) =>
    p.startsWith('{') ? { param: p.slice(1, -1) } : { literal: p.toLowerCase() },
  );
  return { route, scoped, parts };
}

/** Matches a compiled route against path segments, anchoring at the end for scoped routes. */
function matchOne(c: Compiled, segs: string[]): Record<string, string> | undefined {
  const offset = c.scoped ? segs.length - c.parts.length : 0;
  if (offset < 0 || (!c.scoped && segs.length !== c.parts.length)) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < c.parts.length; i++) {
    const part = c.parts[i]!;
    const seg = segs[offset + i]!;
    if (part.literal !== undefined) {
      if (seg.toLowerCase() !== part.literal) return undefined;
    } else {
      if (seg === '') return undefined;
      params[part.param!] = seg;
    }
  }
  if (c.scoped) params['scope'] = offset === 0 ? '/' : `/${segs.slice(0, offset).join('/')}`;
  return params;
}

/** ARM routing: case-insensitive, first match wins, so list specific routes before scoped ones. */
export class ArmRouter {
  private readonly compiled: Compiled[];
  constructor(routes: ArmRoute[]) {
    this.compiled = routes.map(compile);
  }

  match(segments: string[]): RouteMatch | undefined {
    for (const c of this.compiled) {
      const params = matchOne(c, segments);
      if (params) return { route: c.route, params };
    }
    return undefined;
  }

  /** Every namespace/type and its api-versions, for provider listings. */
  routes(): readonly ArmRoute[] {
    return this.compiled.map((c) => c.route);
  }
}

/** The activity-log actor of a call. */
export function actorOf(call: ArmCall): { principalId: string; correlationId: string } {
  return { principalId: call.caller?.objectId ?? 'anonymous', correlationId: call.ctx.correlationId };
}

/** The JSON body as an object, or InvalidRequestContent that says what to send. */
export function bodyObject(call: ArmCall, example: string): Record<string, unknown> {
  const b = call.body;
  if (b === undefined || typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new ArmError('InvalidRequestContent', `The request content must be a JSON object, e.g. ${example}.`);
  }
  return b as Record<string, unknown>;
}
