import { arm } from './arm.js';

/** Directory groups and members through Microsoft Graph v1.0, as the Azure CLI calls it (docs/groups.md). */
export interface DirectoryObject {
  '@odata.type'?: string;
  id: string;
  displayName: string;
  description?: string | null;
  mailNickname?: string;
  appId?: string;
  servicePrincipalType?: string;
  createdDateTime?: string;
}

interface GraphPage {
  value: DirectoryObject[];
  '@odata.nextLink'?: string;
}

const GRAPH = { apiVersion: '' };
const GROUPS = '/v1.0/groups';

/** Every item of a Graph collection, following `@odata.nextLink` (up to `max`). */
async function graphList(path: string, max = 5_000): Promise<DirectoryObject[]> {
  const out: DirectoryObject[] = [];
  for (let next: string | undefined = path; next !== undefined && out.length < max;) {
    const page: GraphPage = await arm<GraphPage>('GET', next, GRAPH);
    out.push(...page.value);
    next = page['@odata.nextLink'];
  }
  return out;
}

export const isGroup = (o: DirectoryObject) => o['@odata.type'] === '#microsoft.graph.group';

export const listGroups = () => graphList(GROUPS);
export const getGroup = (id: string) => arm<DirectoryObject>('GET', `${GROUPS}/${encodeURIComponent(id)}`, GRAPH);

/** A security group; the mail nickname is the name without the characters Graph refuses in it. */
export const createGroup = (displayName: string, description: string) =>
  arm<DirectoryObject>('POST', GROUPS, {
    ...GRAPH,
    body: {
      displayName,
      mailNickname: displayName.replace(/[^!#-'*+\-./0-9=?A-Z^_`a-z{|}~]/g, '') || 'group',
      mailEnabled: false,
      securityEnabled: true,
      ...(description ? { description } : {}),
    },
  });

export const deleteGroup = (id: string) => arm('DELETE', `${GROUPS}/${encodeURIComponent(id)}`, GRAPH);

export const listMembers = (groupId: string, transitive = false) =>
  graphList(`${GROUPS}/${encodeURIComponent(groupId)}/${transitive ? 'transitiveMembers' : 'members'}`);

/** `memberId` is a service principal's object id (a managed identity's principal id) or a group id. */
export const addMember = (groupId: string, memberId: string) =>
  arm('POST', `${GROUPS}/${encodeURIComponent(groupId)}/members/$ref`, {
    ...GRAPH,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}` },
  });

export const removeMember = (groupId: string, memberId: string) =>
  arm('DELETE', `${GROUPS}/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/$ref`, GRAPH);

/** The groups a service principal is in: directly, or also through nested groups. */
export const memberOf = (principalId: string, transitive: boolean) =>
  graphList(
    `/v1.0/servicePrincipals/${encodeURIComponent(principalId)}/${transitive ? 'transitiveMemberOf' : 'memberOf'}`,
  );
