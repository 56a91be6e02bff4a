import type { PrincipalRecord } from '../../../store/records.js';
import type { GroupRecord } from '../../../store/group-repo.js';

/** Microsoft Graph v1.0 `servicePrincipal`, the properties the Azure CLI and SDKs read. */
export function spWire(p: PrincipalRecord) {
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

/** Microsoft Graph v1.0 `group` (https://learn.microsoft.com/graph/api/resources/group): a security group. */
export function groupWire(g: GroupRecord) {
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: new Date(g.createdAt).toISOString(),
    description: g.description,
    displayName: g.displayName,
    groupTypes: [] as string[],
    mail: null,
    mailEnabled: false,
    mailNickname: g.mailNickname,
    renewedDateTime: new Date(g.updatedAt).toISOString(),
    securityEnabled: g.securityEnabled,
    visibility: null,
  };
}

/** A directory object in a mixed collection (members, memberOf, getByIds): typed with `@odata.type`. */
export function directoryObjectWire(o: { principal: PrincipalRecord } | { group: GroupRecord }) {
  return 'principal' in o
    ? { '@odata.type': '#microsoft.graph.servicePrincipal', ...spWire(o.principal) }
    : { '@odata.type': '#microsoft.graph.group', ...groupWire(o.group) };
}

export const graphContext = (what: string): string => `https://graph.microsoft.com/v1.0/$metadata#${what}`;
