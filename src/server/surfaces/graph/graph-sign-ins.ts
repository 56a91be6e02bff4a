import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { parseSignIn, type StoredSignIn } from '../../audit/sign-in-log.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { PrincipalRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import { SIGN_INS_PATH } from '../../../wire/sign-ins.js';
import { GraphError } from './graph-errors.js';
import { parseSignInFilter } from './sign-in-filter.js';
import { graphSignIn, toAuditQuery } from './sign-in-shape.js';

/** Who may read the log: the action and scope openmi's own sign-in API checks (src/server/surfaces/arm/routes/sign-in-log.ts). */
export const SIGN_INS_READ = 'OpenMI.Audit/signIns/read';
const CONTEXT = 'https://graph.microsoft.com/beta/$metadata#auditLogs/signIns';
/** Graph's default and largest page (https://learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta). */
const MAX_TOP = 1000;
const TOKEN = /^v1\.(\d{1,15})$/;

export interface GraphSignInDeps {
  store: Store;
  authorizer: Authorizer;
  baseUrl: string;
}

function readTop(ctx: RequestContext): number {
  const raw = ctx.query.get('$top');
  if (raw === null) return MAX_TOP;
  const n = Number(raw);
  if (!/^\d{1,4}$/.test(raw) || n < 1 || n > MAX_TOP)
    throw new GraphError('BadRequest', `Invalid $top '${raw.slice(0, 20)}': use a whole number from 1 to ${MAX_TOP}.`);
  return n;
}

/** The continuation is a seq, wrapped so callers treat it as opaque and bounded so nothing else passes. */
function readSkipToken(ctx: RequestContext): string | undefined {
  const raw = ctx.query.get('$skiptoken');
  if (raw === null) return undefined;
  const m = raw.length <= 32 ? TOKEN.exec(Buffer.from(raw, 'base64url').toString('latin1')) : null;
  if (!m)
    throw new GraphError(
      'BadRequest',
      'The $skiptoken is not one this server issued; follow @odata.nextLink of the previous page as is.',
    );
  return m[1];
}

function nextLink(d: GraphSignInDeps, ctx: RequestContext, next: string | undefined): Record<string, string> {
  if (next === undefined) return {};
  const q = new URLSearchParams(ctx.query);
  q.set('$skiptoken', Buffer.from(`v1.${next}`, 'latin1').toString('base64url'));
  return { '@odata.nextLink': `${d.baseUrl}${ctx.path}?${q.toString()}` };
}

/** Display names of the principals of rows that carry no identity resource id (one read per distinct principal). */
async function principalNames(store: Store, rows: StoredSignIn[]): Promise<Map<string, string>> {
  const ids = new Set(rows.filter((r) => !r.identityResourceId && r.principalId).map((r) => r.principalId!));
  const names = new Map<string, string>();
  for (const id of ids) {
    const p = await store.principals.getByObjectId(id);
    if (p) names.set(id.toLowerCase(), p.displayName);
  }
  return names;
}

async function authorize(d: GraphSignInDeps, caller: PrincipalRecord): Promise<void> {
  const decision = await d.authorizer.check(caller.objectId, SIGN_INS_READ, SIGN_INS_PATH);
  if (decision.allowed) return;
  throw new GraphError(
    'Authorization_RequestDenied',
    `Insufficient privileges to complete the operation. The client '${caller.appId}' needs '${SIGN_INS_READ}' at scope '/' (for example Reader at the tenant root), as for openmi's sign-in API. (${decision.reason})`,
  );
}

/**
 * `GET /beta/auditLogs/signIns` and `…/signIns/{id}`: the sign-in log in Graph's shape
 * (docs/wire/graph.md), newest first, read from the same rows as openmi's own sign-in API.
 */
export async function graphSignIns(
  d: GraphSignInDeps,
  ctx: RequestContext,
  caller: PrincipalRecord,
  id: string | undefined,
): Promise<void> {
  await authorize(d, caller);
  if (id !== undefined) return signInById(d, ctx, id);
  const query = toAuditQuery(parseSignInFilter(ctx.query.get('$filter')));
  const page = await d.store.audit.query('signIns', query, readTop(ctx), readSkipToken(ctx));
  const rows = page.items.map(parseSignIn);
  const names = await principalNames(d.store, rows);
  sendJson(ctx.res, 200, {
    '@odata.context': CONTEXT,
    ...nextLink(d, ctx, page.next),
    value: rows.map((r) => graphSignIn(r, names)),
  });
}

async function signInById(d: GraphSignInDeps, ctx: RequestContext, id: string): Promise<void> {
  const found =
    id.length <= 64
      ? (await d.store.audit.query('signIns', { eq: { id_key: id.toLowerCase() } }, 1)).items[0]
      : undefined;
  if (!found)
    throw new GraphError(
      'Request_ResourceNotFound',
      `Sign-in '${id.slice(0, 80)}' does not exist, or retention (auditRetentionDays) removed it.`,
    );
  const row = parseSignIn(found);
  sendJson(ctx.res, 200, {
    '@odata.context': `${CONTEXT}/$entity`,
    ...graphSignIn(row, await principalNames(d.store, [row])),
  });
}
