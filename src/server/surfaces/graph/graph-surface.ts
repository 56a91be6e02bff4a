import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import type { PrincipalRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import type { GroupService } from '../../directory/groups.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { ArmAuthenticator } from '../arm/authenticate.js';
import { ArmError } from '../arm/arm-errors.js';
import { readJsonBody } from './graph-body.js';
import { GraphError, graphErrorOf, notFoundError } from './graph-errors.js';
import { groupRoute } from './graph-groups.js';
import { membershipRoute } from './graph-membership.js';
import { directoryObjectWire, graphContext, spWire } from './graph-wire.js';
import { graphSignIns } from './graph-sign-ins.js';

const APP_ID_FILTER = /^appId\s+eq\s+'([^']*)'$/i;
/** How the Azure CLI resolves `--assignee` and its own service principal; a principal's only name is its appId. */
const SPN_FILTER = /^servicePrincipalNames\/any\(\s*(\w+)\s*:\s*\1\s+eq\s+'([^']*)'\s*\)$/i;
const SUPPORTED =
  "/v1.0/servicePrincipals ({id}, $filter=appId eq '{appId}' or servicePrincipalNames/any(c:c eq '{appId}'), {id}/memberOf, {id}/transitiveMemberOf), /v1.0/groups (docs/groups.md), POST /v1.0/directoryObjects/getByIds and /v1.0/directoryObjects/{id}/checkMemberGroups, and GET /beta/auditLogs/signIns[/{id}]";

export interface GraphDeps {
  store: Store;
  authenticator: ArmAuthenticator;
  groups: GroupService;
  /** Decides who may read the sign-in log (the same rule as openmi's own sign-in API). */
  authorizer: Authorizer;
  baseUrl: string;
}

/**
 * The slice of Microsoft Graph openmi's tools and the Azure CLI need: service principals (read),
 * security groups and their members (docs/groups.md), and the sign-in log at
 * `/beta/auditLogs/signIns` (docs/wire/graph.md; for those who may read openmi's sign-in API).
 * Any principal of the tenant with a valid token may read service principals and groups (Graph's
 * directory read default for apps in openmi); writes need the directory permission GroupService checks.
 */
export class GraphSurface implements Surface {
  readonly name = 'graph';
  constructor(private readonly d: GraphDeps) {}

  matches(ctx: RequestContext): boolean {
    const first = ctx.segments[0]?.toLowerCase();
    return first === 'v1.0' || first === 'beta';
  }

  renderError(ctx: RequestContext, err: unknown): void {
    // The bearer check is Resource Manager's: its 401 keeps ARM's code, status and challenge.
    const e: GraphError | ArmError =
      err instanceof ArmError ? err : (graphErrorOf(err) ?? new GraphError('generalException', 'Unexpected error.'));
    if (e.status >= 500) ctx.log.error({ err }, 'graph surface error');
    const inner = {
      date: new Date().toISOString(),
      'request-id': ctx.requestId,
      'client-request-id': ctx.correlationId,
    };
    sendJson(
      ctx.res,
      e.status,
      { error: { code: e.code, message: e.message, innerError: inner } },
      { 'request-id': ctx.requestId, ...(err instanceof ArmError ? err.headers : {}) },
    );
  }

  async handle(ctx: RequestContext): Promise<void> {
    const caller = await this.d.authenticator.authenticate(ctx);
    const actor = { principalId: caller.objectId, correlationId: ctx.correlationId };
    const [version = '', collection = '', id, sub, ...rest] = ctx.segments;
    const c = collection.toLowerCase();
    let route: (() => Promise<void>) | undefined;
    if (version.toLowerCase() === 'beta' && c === 'auditlogs' && id?.toLowerCase() === 'signins' && rest.length === 0) {
      if (ctx.method === 'GET') route = () => graphSignIns(this.d, ctx, caller, sub);
    } else if (c === 'groups') route = groupRoute(this.d, ctx, actor, ctx.segments.slice(2));
    else if (c === 'directoryobjects' && id?.toLowerCase() === 'getbyids' && sub === undefined && ctx.method === 'POST')
      route = () => this.getByIds(ctx);
    else if (c === 'serviceprincipals' && sub === undefined && ctx.method === 'GET')
      route = () => this.servicePrincipals(ctx, id);
    if (!route && id !== undefined && sub !== undefined && rest.length === 0)
      route = membershipRoute(this.d, ctx, c, id, sub);
    if (!route)
      throw new GraphError(
        'BadRequest',
        `Resource not found for the segment '${ctx.segments.slice(1).join('/')}' (${ctx.method}). openmi serves ${SUPPORTED}.`,
      );
    return route();
  }

  private async servicePrincipals(ctx: RequestContext, id: string | undefined): Promise<void> {
    const principals = this.d.store.principals;
    if (id) {
      const p = (await principals.getByObjectId(id)) ?? (await principals.getByAppId(id));
      if (!p) throw notFoundError(id);
      return sendJson(ctx.res, 200, { '@odata.context': graphContext('servicePrincipals/$entity'), ...spWire(p) });
    }
    const filter = ctx.query.get('$filter') ?? '';
    const appId = APP_ID_FILTER.exec(filter.trim())?.[1] ?? SPN_FILTER.exec(filter.trim())?.[2];
    if (appId === undefined)
      throw new GraphError('Request_UnsupportedQuery', `Unsupported query '${filter}': openmi serves ${SUPPORTED}.`);
    const p = await principals.getByAppId(appId);
    sendJson(ctx.res, 200, { '@odata.context': graphContext('servicePrincipals'), value: p ? [spWire(p)] : [] });
  }

  /** The principals and groups among `ids` (object ids); unknown ids are left out, as Graph does. The CLI names assignees with it. */
  private async getByIds(ctx: RequestContext): Promise<void> {
    let ids: unknown;
    try {
      ids = (await readJsonBody(ctx))['ids'];
    } catch {
      ids = undefined;
    }
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string') || ids.length > 1000) {
      throw new GraphError('Request_BadRequest', 'Send a JSON body {"ids": ["{objectId}", …]} with at most 1000 ids.');
    }
    const found = await Promise.all(
      ids.map(async (i: string) => {
        const principal: PrincipalRecord | undefined = await this.d.store.principals.getByObjectId(i);
        if (principal) return directoryObjectWire({ principal });
        const group = await this.d.store.groups.get(i);
        return group && directoryObjectWire({ group });
      }),
    );
    const value = found.filter((o) => o !== undefined);
    sendJson(ctx.res, 200, { '@odata.context': graphContext('directoryObjects'), value });
  }
}
