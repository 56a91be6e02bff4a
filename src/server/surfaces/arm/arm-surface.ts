import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { readBody } from '../../../kernel/http/body.js';
import { parseJson as parseJsonText } from '../../../kernel/json.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { PrincipalRecord } from '../../../store/records.js';
import { requireApiVersion } from './api-version.js';
import { ArmError, armHeaders, renderArmError, toArmError } from './arm-errors.js';
import type { FailedCallRecorder } from '../../audit/failed-calls.js';
import type { ArmAuthenticator } from './authenticate.js';
import type { ArmResult, ArmRoute, ArmRouter, HttpMethod } from './router.js';

export interface ArmSurfaceDeps {
  router: ArmRouter;
  authenticator: ArmAuthenticator;
  authorizer: Authorizer;
  maxBodyBytes: number;
  /** Where failed writes of authenticated callers go (the activity log); absent in tests that do not need it. */
  failures?: FailedCallRecorder;
}

const METHODS = new Set<string>(['GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD']);
const READS = new Set<string>(['GET', 'HEAD']);

function unknownRoute(ctx: RequestContext): ArmError {
  const i = ctx.segments.findIndex((s) => s.toLowerCase() === 'providers');
  if (i !== -1 && ctx.segments.length > i + 2) {
    const ns = ctx.segments[i + 1]!;
    const type = ctx.segments[i + 2]!;
    return new ArmError(
      'InvalidResourceType',
      `The resource type '${type}' could not be found in the namespace '${ns}' for api version '${ctx.query.get('api-version') ?? ''}'.`,
    );
  }
  return new ArmError(
    'NotFound',
    `No Resource Manager operation matches '${ctx.method} ${ctx.path}'. Paths start with /subscriptions, /providers or /tenants.`,
  );
}

async function parseJson(ctx: RequestContext, limit: number): Promise<unknown> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'DELETE') return undefined;
  const raw = await readBody(ctx.req, limit);
  if (raw.length === 0) return undefined;
  try {
    return parseJsonText(raw.toString('utf8'));
  } catch (e) {
    throw new ArmError(
      'InvalidRequestContent',
      `The request content was invalid and could not be deserialized: ${(e as Error).message}. Send a JSON body.`,
    );
  }
}

/**
 * Azure Resource Manager. Every call: route → authenticate → api-version → authorize (one
 * place, via the route table's action) → handler, with ARM's headers on every response.
 */
export class ArmSurface implements Surface {
  readonly name = 'arm';
  constructor(private readonly d: ArmSurfaceDeps) {}

  matches(): boolean {
    return true;
  }

  /** The route table, in matching order. */
  routes(): readonly ArmRoute[] {
    return this.d.router.routes();
  }

  renderError(ctx: RequestContext, err: unknown): void {
    renderArmError(ctx, err);
  }

  async handle(ctx: RequestContext): Promise<void> {
    const match = this.d.router.match(ctx.segments);
    const op = match && METHODS.has(ctx.method) ? match.route.methods[ctx.method as HttpMethod] : undefined;
    if (!match) throw unknownRoute(ctx);
    let caller: PrincipalRecord | undefined;
    if (!match.route.anonymous) caller = await this.d.authenticator.authenticate(ctx);
    if (!op) {
      const allowed = Object.keys(match.route.methods).join(', ');
      throw new ArmError(
        'MethodNotAllowed',
        `The method '${ctx.method}' is not supported on '${ctx.path}'. Supported: ${allowed}.`,
      );
    }
    let result: ArmResult;
    try {
      const apiVersion = requireApiVersion(ctx.query, match.route.resourceType, match.route.apiVersions);
      if (caller && !op.everyone) await this.authorize(caller, op.action, ctx.path);
      const body = await parseJson(ctx, this.d.maxBodyBytes);
      result = await op.handle({ ctx, params: match.params, apiVersion, caller, body });
    } catch (err) {
      if (caller && !READS.has(ctx.method)) await this.recordFailure(ctx, caller, op.action, err);
      throw err;
    }
    const headers = { ...armHeaders(ctx), ...result.headers };
    if (result.body === undefined) {
      ctx.res.writeHead(result.status, { ...headers, 'content-length': 0 });
      ctx.res.end();
    } else {
      sendJson(ctx.res, result.status, result.body, headers);
    }
  }

  /** Reads are not logged (as in Azure); a failing log write is logged and does not mask the error. */
  private async recordFailure(
    ctx: RequestContext,
    caller: PrincipalRecord,
    operation: string,
    err: unknown,
  ): Promise<void> {
    const e = toArmError(err);
    const failed = {
      operation,
      resourceId: ctx.path,
      principalId: caller.objectId,
      correlationId: ctx.correlationId,
      httpStatus: e.status,
      code: e.code,
      message: e.message,
    };
    await this.d.failures
      ?.record(failed)
      .catch((werr: unknown) => ctx.log.error({ err: werr }, 'activity log write failed'));
  }

  private async authorize(caller: PrincipalRecord, action: string, scope: string): Promise<void> {
    const decision = await this.d.authorizer.check(caller.objectId, action, scope);
    if (decision.allowed) return;
    throw new ArmError(
      'AuthorizationFailed',
      `The client '${caller.appId}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials. (${decision.reason})`,
    );
  }
}
