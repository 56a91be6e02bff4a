import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import type { Store } from '../../../store/store.js';
import type { GroupService } from '../../directory/groups.js';
import { GraphError, notFoundError } from './graph-errors.js';
import { readJsonBody } from './graph-body.js';
import { directoryObjects } from './graph-groups.js';
import { graphContext } from './graph-wire.js';

/** Graph accepts at most 20 group ids per checkMemberGroups call (https://learn.microsoft.com/graph/api/directoryobject-checkmembergroups). */
const MAX_CHECK_IDS = 20;

/**
 * The membership reads every directory object has: `memberOf`, `transitiveMemberOf`,
 * `checkMemberGroups`, `getMemberGroups`, on `/servicePrincipals/{id}`, `/groups/{id}` and
 * `/directoryObjects/{id}` (how `az ad group member check` asks). Undefined for any other path.
 */
export function membershipRoute(
  d: { store: Store; groups: GroupService },
  ctx: RequestContext,
  collection: string,
  id: string,
  sub: string,
): (() => Promise<void>) | undefined {
  const op = `${ctx.method} ${sub.toLowerCase()}`;
  const fromDirectoryObjects = collection === 'directoryobjects';
  if (op === 'GET memberof' && !fromDirectoryObjects) return () => memberOf(d, ctx, collection, id, false);
  if (op === 'GET transitivememberof' && !fromDirectoryObjects) return () => memberOf(d, ctx, collection, id, true);
  if (op === 'POST checkmembergroups') return () => checkMemberGroups(d, ctx, collection, id, true);
  if (op === 'POST getmembergroups') return () => checkMemberGroups(d, ctx, collection, id, false);
  return undefined;
}

/** The object's own id as stored; 404 in Graph's words when it is not of this collection. */
async function requireObject(store: Store, collection: string, id: string): Promise<string> {
  const sp = collection !== 'groups' ? await store.principals.getByObjectId(id) : undefined;
  if (sp) return sp.objectId;
  const g = collection !== 'serviceprincipals' ? await store.groups.get(id) : undefined;
  if (g) return g.id;
  throw notFoundError(id);
}

async function memberOf(
  d: { store: Store; groups: GroupService },
  ctx: RequestContext,
  collection: string,
  id: string,
  transitive: boolean,
): Promise<void> {
  const own = await requireObject(d.store, collection, id);
  const ids = transitive
    ? (await d.groups.memberOf(own)).map((x) => x.group.id)
    : (await d.store.groups.listMemberships(own)).map((m) => m.groupId);
  const value = await directoryObjects(
    d.store,
    ids.map((g) => ({ id: g, type: 'group' as const })),
  );
  sendJson(ctx.res, 200, { '@odata.context': graphContext('directoryObjects'), value });
}

/** checkMemberGroups: which of `groupIds` the object is in, transitively; getMemberGroups: all of them. */
async function checkMemberGroups(
  d: { store: Store; groups: GroupService },
  ctx: RequestContext,
  collection: string,
  id: string,
  check: boolean,
): Promise<void> {
  const body = await readJsonBody(ctx);
  const asked = body['groupIds'];
  if (
    check &&
    !(Array.isArray(asked) && asked.length <= MAX_CHECK_IDS && asked.every((g): g is string => typeof g === 'string'))
  )
    throw new GraphError(
      'Request_BadRequest',
      `Send {"groupIds": ["{groupId}", …]} with at most ${MAX_CHECK_IDS} group ids.`,
    );
  const own = await requireObject(d.store, collection, id);
  const all = (await d.groups.memberOf(own)).map((x) => x.group.id);
  const value = check ? (asked as string[]).filter((g) => all.some((a) => a.toLowerCase() === g.toLowerCase())) : all;
  sendJson(ctx.res, 200, { '@odata.context': graphContext('Collection(Edm.String)'), value });
}
