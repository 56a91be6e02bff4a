import type { RequestContext } from '../../../kernel/http/context.js';
import { sendEmpty, sendJson } from '../../../kernel/http/context.js';
import type { PrincipalRecord } from '../../../store/records.js';
import type { GroupMemberRecord } from '../../../store/group-repo.js';
import type { Store } from '../../../store/store.js';
import type { Actor } from '../../audit/changes.js';
import type { GroupService } from '../../directory/groups.js';
import { nextLink, readSkipToken } from '../arm/paging.js';
import { GraphError } from './graph-errors.js';
import { applySelect, parseGroupFilter, parseTop } from './graph-query.js';
import { directoryObjectWire, graphContext, groupWire } from './graph-wire.js';
import { readJsonBody } from './graph-body.js';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export interface GroupRouteDeps {
  store: Store;
  groups: GroupService;
  baseUrl: string;
}

/** `/v1.0/groups…` (https://learn.microsoft.com/graph/api/resources/group); undefined when the path is not one of them. */
export function groupRoute(
  d: GroupRouteDeps,
  ctx: RequestContext,
  actor: Actor,
  rest: string[],
): (() => Promise<void>) | undefined {
  const [id, sub, third, fourth] = rest;
  const m = ctx.method;
  const subL = sub?.toLowerCase();
  if (id === undefined) {
    if (m === 'GET') return () => listGroups(d, ctx);
    if (m === 'POST') return () => createGroup(d, ctx, actor);
    return undefined;
  }
  if (sub === undefined) {
    if (m === 'GET') return async () => sendGroup(ctx, await d.groups.get(id));
    if (m === 'PATCH')
      return async () => (await d.groups.update(id, await readJsonBody(ctx), actor), sendEmpty(ctx.res, 204));
    if (m === 'DELETE') return async () => (await d.groups.delete(id, actor), sendEmpty(ctx.res, 204));
    return undefined;
  }
  if (subL === 'members' && third === '$ref' && fourth === undefined && m === 'POST')
    return () => addMember(d, ctx, actor, id);
  if (subL === 'members' && third !== undefined && fourth === '$ref' && m === 'DELETE')
    return async () => (await d.groups.removeMember(id, third, actor), sendEmpty(ctx.res, 204));
  if (third !== undefined || m !== 'GET') return undefined;
  if (subL === 'members') return async () => sendMembers(d, ctx, (await d.groups.get(id)).id, false);
  if (subL === 'transitivemembers') return async () => sendMembers(d, ctx, (await d.groups.get(id)).id, true);
  return undefined;
}

function sendGroup(ctx: RequestContext, g: Parameters<typeof groupWire>[0], status = 200): void {
  const body = { '@odata.context': graphContext('groups/$entity'), ...groupWire(g) };
  sendJson(ctx.res, status, applySelect(body, ctx.query.get('$select')));
}

async function listGroups(d: GroupRouteDeps, ctx: RequestContext): Promise<void> {
  const q = parseGroupFilter(ctx.query.get('$filter'));
  const top = parseTop(ctx.query.get('$top'));
  const page = await d.groups.list(q.filter, top, readSkipToken(ctx));
  const nick = q.mailNickname?.toLowerCase();
  const value = page.items
    .filter((g) => nick === undefined || g.mailNickname.toLowerCase() === nick)
    .map((g) => applySelect(groupWire(g), ctx.query.get('$select')));
  const link = nextLink(d.baseUrl, ctx, page.next);
  sendJson(ctx.res, 200, {
    '@odata.context': graphContext('groups'),
    value,
    ...(link ? { '@odata.nextLink': link } : {}),
  });
}

async function createGroup(d: GroupRouteDeps, ctx: RequestContext, actor: Actor): Promise<void> {
  const g = await d.groups.create(await readJsonBody(ctx), actor);
  sendGroup(ctx, g, 201);
}

/** The body names the member by URL: `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}`. */
async function addMember(d: GroupRouteDeps, ctx: RequestContext, actor: Actor, groupId: string): Promise<void> {
  const body = await readJsonBody(ctx);
  const ref = body['@odata.id'];
  const memberId = typeof ref === 'string' ? GUID.exec(ref.split('/').pop() ?? '')?.[0] : undefined;
  if (memberId === undefined)
    throw new GraphError(
      'Request_BadRequest',
      'Send {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"} naming a service principal or group by object id.',
    );
  await d.groups.addMember(groupId, memberId, actor);
  sendEmpty(ctx.res, 204);
}

/** Renders memberships' objects, leaving out any that vanished between the two reads. */
export async function directoryObjects(store: Store, ids: { id: string; type: GroupMemberRecord['memberType'] }[]) {
  const found = await Promise.all(
    ids.map(async (x) => {
      if (x.type === 'group') {
        const group = await store.groups.get(x.id);
        return group && directoryObjectWire({ group });
      }
      const principal: PrincipalRecord | undefined = await store.principals.getByObjectId(x.id);
      return principal && directoryObjectWire({ principal });
    }),
  );
  return found.filter((o) => o !== undefined);
}

async function sendMembers(d: GroupRouteDeps, ctx: RequestContext, groupId: string, transitive: boolean) {
  const rows = transitive ? await d.groups.transitiveMembers(groupId) : await d.groups.members(groupId);
  const value = await directoryObjects(
    d.store,
    rows.map((r) => ({ id: r.memberId, type: r.memberType })),
  );
  sendJson(ctx.res, 200, { '@odata.context': graphContext('directoryObjects'), value });
}
