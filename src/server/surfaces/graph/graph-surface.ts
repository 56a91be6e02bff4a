import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { readBody } from '../../../kernel/http/body.js';
import type { PrincipalRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import type { ArmAuthenticator } from '../arm/authenticate.js';
import { ArmError } from '../arm/arm-errors.js';
import { isDomainError } from '../../../kernel/errors.js';
import { GraphError } from './graph-errors.js';
import { graphSignIns, type GraphSignInDeps } from './graph-sign-ins.js';

const APP_ID_FILTER = /^appId\s+eq\s+'([^']*)'$/i;
/** How the Azure CLI resolves `--assignee` and its own service principal; a principal's only name is its appId. */
const SPN_FILTER = /^servicePrincipalNames\/any\(\s*(\w+)\s*:\s*\1\s+eq\s+'([^']*)'\s*\)$/i;
const SUPPORTED =
  "GET /v1.0/servicePrincipals/{id}, /v1.0/servicePrincipals?$filter=appId eq '{appId}' or servicePrincipalNames/any(c:c eq '{appId}'), POST /v1.0/directoryObjects/getByIds, and GET /beta/auditLogs/signIns[/{id}]";

function spWire(p: PrincipalRecord) {
  return {
    id: p.objectId,
    appId: p.appId,
    displayName: p.displayName,
    appOwnerOrganizationId: p.tenantId,
    servicePrincipalType: p.kind === 'managedIdentity' ? 'ManagedIdentity' : 'Application',
    accountEnabled: true,
    alternativeNames: p.resourceId
      ? [`isExplicit=${p.resourceId.toLowerCase().includes('/userassignedidentities/')}`, p.resourceId]
      : [],
    servicePrincipalNames: [p.appId],
  };
}

/**
 * A read-only slice of Microsoft Graph (docs/wire/graph.md): `/v1.0/servicePrincipals/{id}` and
 * `?$filter=appId eq '…'`, so tools can resolve the principals behind identities (any principal
 * of the tenant with a valid token may read: Graph's directory read default for apps in openmi),
 * and the sign-in log at `/beta/auditLogs/signIns` (for those who may read openmi's sign-in API).
 */
export class GraphSurface implements Surface {
  readonly name = 'graph';
  private readonly signIns: GraphSignInDeps | undefined;
  constructor(
    private readonly store: Store,
    private readonly authenticator: ArmAuthenticator,
    signIns?: Omit<GraphSignInDeps, 'store'>,
  ) {
    this.signIns = signIns && { store, ...signIns };
  }

  matches(ctx: RequestContext): boolean {
    const first = ctx.segments[0]?.toLowerCase();
    return first === 'v1.0' || first === 'beta';
  }

  renderError(ctx: RequestContext, err: unknown): void {
    // The bearer check is Resource Manager's: its 401 keeps ARM's code, status and challenge.
    const e: GraphError | ArmError =
      err instanceof GraphError || err instanceof ArmError
        ? err
        : isDomainError(err) && err.kind === 'invalid'
          ? new GraphError('BadRequest', err.message)
          : new GraphError('generalException', 'Unexpected error.');
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
    const caller = await this.authenticator.authenticate(ctx);
    const [version, collection, id, ...rest] = ctx.segments;
    const path = `${collection}/${id}`.toLowerCase();
    const beta = version?.toLowerCase() === 'beta';
    if (this.signIns && ctx.method === 'GET' && beta && path === 'auditlogs/signins' && rest.length <= 1)
      return graphSignIns(this.signIns, ctx, caller, rest[0]);
    if (ctx.method === 'POST' && path === 'directoryobjects/getbyids' && rest.length === 0) return this.getByIds(ctx);
    if (ctx.method !== 'GET' || collection?.toLowerCase() !== 'serviceprincipals' || rest.length > 0) {
      throw new GraphError(
        'BadRequest',
        `Resource not found for the segment '${ctx.segments.slice(1).join('/')}'. openmi serves ${SUPPORTED}.`,
      );
    }
    return id ? this.servicePrincipal(ctx, id) : this.servicePrincipalsByAppId(ctx);
  }

  private async servicePrincipal(ctx: RequestContext, id: string): Promise<void> {
    const p = (await this.store.principals.getByObjectId(id)) ?? (await this.store.principals.getByAppId(id));
    if (!p)
      throw new GraphError(
        'Request_ResourceNotFound',
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    sendJson(ctx.res, 200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity',
      ...spWire(p),
    });
  }

  private async servicePrincipalsByAppId(ctx: RequestContext): Promise<void> {
    const filter = ctx.query.get('$filter') ?? '';
    const appId = APP_ID_FILTER.exec(filter.trim())?.[1] ?? SPN_FILTER.exec(filter.trim())?.[2];
    if (appId === undefined)
      throw new GraphError('Request_UnsupportedQuery', `Unsupported query '${filter}': openmi serves ${SUPPORTED}.`);
    const p = await this.store.principals.getByAppId(appId);
    sendJson(ctx.res, 200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals',
      value: p ? [spWire(p)] : [],
    });
  }

  /** The principals among `ids` (object ids); unknown ids are left out, as Graph does. The CLI names assignees with it. */
  private async getByIds(ctx: RequestContext): Promise<void> {
    let ids: unknown;
    try {
      ids = (JSON.parse((await readBody(ctx.req, 1 << 20)).toString('utf8')) as { ids?: unknown }).ids;
    } catch {
      ids = undefined;
    }
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string') || ids.length > 1000) {
      throw new GraphError('Request_BadRequest', 'Send a JSON body {"ids": ["{objectId}", …]} with at most 1000 ids.');
    }
    const found = await Promise.all(ids.map((i: string) => this.store.principals.getByObjectId(i)));
    const value = found
      .filter((p): p is PrincipalRecord => p !== undefined)
      .map((p) => ({ '@odata.type': '#microsoft.graph.servicePrincipal', ...spWire(p) }));
    sendJson(ctx.res, 200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects', value });
  }
}
