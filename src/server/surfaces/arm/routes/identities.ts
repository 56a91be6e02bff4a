import type { FederatedCredentialRecord, UserAssignedIdentityRecord } from '../../../../store/records.js';
import type { Store } from '../../../../store/store.js';
import type { FederatedCredentialService } from '../../../identities/federated-credentials.js';
import { UAI_TYPE, type IdentityAddress, type UserAssignedIdentityService } from '../../../identities/user-assigned.js';
import { queryAssociated } from '../../../identities/associated-query.js';
import { MSI_API_VERSIONS, MSI_PREVIEW_API_VERSIONS } from '../api-versions.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { readablePage } from './readable-list.js';
import { actorOf, bodyObject, type ArmCall, type ArmRoute } from '../router.js';
import type { AssociatedResourcesPage, FederatedCredentialWire, IdentityWire } from '../../../../wire/identities.js';

const FIC_TYPE = `${UAI_TYPE}/federatedIdentityCredentials`;
const RG_BASE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities';

export const identityWire = (i: UserAssignedIdentityRecord): IdentityWire => ({
  id: i.id,
  name: i.name,
  type: UAI_TYPE,
  location: i.location,
  tags: i.tags,
  properties: {
    tenantId: i.tenantId,
    principalId: i.principalId,
    clientId: i.clientId,
    isolationScope: i.isolationScope,
  },
});

const ficWire = (f: FederatedCredentialRecord): FederatedCredentialWire => ({
  id: f.id,
  name: f.name,
  type: FIC_TYPE,
  properties: { issuer: f.issuer, subject: f.subject, audiences: f.audiences },
});

const addr = (c: ArmCall): IdentityAddress => ({
  subscriptionId: c.params['subscriptionId']!,
  resourceGroup: c.params['resourceGroupName']!,
  name: c.params['resourceName']!,
});

export interface IdentityRouteDeps {
  identities: UserAssignedIdentityService;
  credentials: FederatedCredentialService;
  store: Store;
  authorizer: Authorizer;
  baseUrl: string;
}

function identityInput(c: ArmCall) {
  const b = bodyObject(c, '{"location":"local"}');
  const props = (b['properties'] ?? {}) as Record<string, unknown>;
  return { location: b['location'], tags: b['tags'], isolationScope: props['isolationScope'] };
}

/** Microsoft.ManagedIdentity/userAssignedIdentities and their federated credentials. */
export function identityRoutes(d: IdentityRouteDeps): ArmRoute[] {
  const common = { resourceType: UAI_TYPE, apiVersions: MSI_API_VERSIONS };
  const listHandler = (withGroup: boolean) => async (c: ArmCall) => {
    const where = {
      subscriptionId: c.params['subscriptionId']!,
      ...(withGroup ? { resourceGroup: c.params['resourceGroupName']! } : {}),
    };
    const list = (limit: number, after?: string) => d.identities.list(where, limit, after);
    // Subscription-wide: what the caller may read; a group's list needs read on the group (route check).
    const p = withGroup
      ? await list(readTop(c.ctx, 100, 1000), readSkipToken(c.ctx))
      : await readablePage(d.authorizer, c, `${UAI_TYPE}/read`, list);
    return { status: 200, body: page(p.items.map(identityWire), nextLink(d.baseUrl, c.ctx, p.next)) };
  };
  return [
    {
      ...common,
      pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities',
      methods: { GET: { action: `${UAI_TYPE}/read`, everyone: true, handle: listHandler(false) } },
    },
    { ...common, pattern: RG_BASE, methods: { GET: { action: `${UAI_TYPE}/read`, handle: listHandler(true) } } },
    {
      ...common,
      pattern: `${RG_BASE}/{resourceName}`,
      methods: {
        GET: {
          action: `${UAI_TYPE}/read`,
          handle: async (c) => ({ status: 200, body: identityWire(await d.identities.get(addr(c))) }),
        },
        PUT: {
          action: `${UAI_TYPE}/write`,
          handle: async (c) => {
            const { identity, created } = await d.identities.put(addr(c), identityInput(c), actorOf(c));
            return { status: created ? 201 : 200, body: identityWire(identity) };
          },
        },
        PATCH: {
          action: `${UAI_TYPE}/write`,
          handle: async (c) => ({
            status: 200,
            body: identityWire(await d.identities.patch(addr(c), identityInput(c), actorOf(c))),
          }),
        },
        DELETE: {
          action: `${UAI_TYPE}/delete`,
          handle: async (c) => ({ status: (await d.identities.delete(addr(c), actorOf(c))) ? 200 : 204 }),
        },
      },
    },
    {
      resourceType: `${UAI_TYPE}/listAssociatedResources`,
      apiVersions: MSI_PREVIEW_API_VERSIONS,
      pattern: `${RG_BASE}/{resourceName}/listAssociatedResources`,
      methods: { POST: { action: `${UAI_TYPE}/read`, handle: (c) => associated(d, c) } },
    },
    ...ficRoutes(d),
  ];
}

async function associated(d: IdentityRouteDeps, c: ArmCall) {
  const identity = await d.identities.get(addr(c));
  const subs = new Map((await d.store.subscriptions.list()).map((s) => [s.id.toLowerCase(), s.displayName]));
  const rows = (await d.store.computeResources.listByUserAssignedIdentity(identity.id)).map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type.toLowerCase(),
    resourceGroup: r.resourceGroup.toLowerCase(),
    subscriptionId: r.subscriptionId,
    subscriptionDisplayName: subs.get(r.subscriptionId.toLowerCase()) ?? '',
  }));
  const q = c.ctx.query;
  const top = q.get('$top');
  const skip = q.get('$skip');
  const result = queryAssociated(rows, {
    ...(q.get('$filter') ? { filter: q.get('$filter')! } : {}),
    ...(q.get('$orderby') ? { orderby: q.get('$orderby')! } : {}),
    ...(top !== null ? { top: Number(top) } : {}),
    ...(skip !== null ? { skip: Number(skip) } : {}),
    ...(q.get('$skiptoken') ? { skiptoken: q.get('$skiptoken')! } : {}),
  });
  const link = result.nextSkip === undefined ? undefined : associatedNextLink(d.baseUrl, c, result.nextSkip);
  const body: AssociatedResourcesPage = {
    totalCount: result.totalCount,
    value: result.value,
    ...(link ? { nextLink: link } : {}),
  };
  return { status: 200, body };
}

function associatedNextLink(baseUrl: string, c: ArmCall, nextSkip: number): string {
  const q = new URLSearchParams(c.ctx.query);
  q.delete('$skip');
  q.set('$skiptoken', String(nextSkip));
  return `${baseUrl}${c.ctx.path}?${q.toString()}`;
}

function ficRoutes(d: IdentityRouteDeps): ArmRoute[] {
  const common = { resourceType: FIC_TYPE, apiVersions: MSI_API_VERSIONS };
  const input = (c: ArmCall) => {
    const props = bodyObject(
      c,
      '{"properties":{"issuer":"https://…","subject":"…","audiences":["api://AzureADTokenExchange"]}}',
    )['properties'];
    return (typeof props === 'object' && props !== null ? props : {}) as Record<string, unknown>;
  };
  const ficName = (c: ArmCall) => c.params['federatedIdentityCredentialResourceName']!;
  return [
    {
      ...common,
      pattern: `${RG_BASE}/{resourceName}/federatedIdentityCredentials`,
      methods: {
        GET: {
          action: `${FIC_TYPE}/read`,
          handle: async (c) => {
            const p = await d.credentials.list(addr(c), readTop(c.ctx, 100, 1000), readSkipToken(c.ctx));
            return { status: 200, body: page(p.items.map(ficWire), nextLink(d.baseUrl, c.ctx, p.next)) };
          },
        },
      },
    },
    {
      ...common,
      pattern: `${RG_BASE}/{resourceName}/federatedIdentityCredentials/{federatedIdentityCredentialResourceName}`,
      methods: {
        GET: {
          action: `${FIC_TYPE}/read`,
          handle: async (c) => ({ status: 200, body: ficWire(await d.credentials.get(addr(c), ficName(c))) }),
        },
        PUT: {
          action: `${FIC_TYPE}/write`,
          handle: async (c) => {
            const { credential, created } = await d.credentials.put(addr(c), ficName(c), input(c), actorOf(c));
            return { status: created ? 201 : 200, body: ficWire(credential) };
          },
        },
        DELETE: {
          action: `${FIC_TYPE}/delete`,
          handle: async (c) => ({ status: (await d.credentials.delete(addr(c), ficName(c), actorOf(c))) ? 200 : 204 }),
        },
      },
    },
  ];
}
