/** Unmodified @azure/arm-authorization 9.0.0 (default api-versions) against openmi; run in a child process. */
import { randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { AuthorizationManagementClient } from '@azure/arm-authorization';

const env = JSON.parse(process.argv[2]!) as {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  armEndpoint: string;
  subscriptionId: string;
  rg: string;
  principalId: string;
  uaiId: string;
  uaiName: string;
};
const credential = new ClientSecretCredential(env.tenantId, env.clientId, env.clientSecret, {
  authorityHost: env.authorityHost,
  disableInstanceDiscovery: true,
});
const authz = new AuthorizationManagementClient(credential, env.subscriptionId, { endpoint: env.armEndpoint });
const out: Record<string, unknown> = {};
const collect = async <T>(it: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const x of it) all.push(x);
  return all;
};
const failure = (e: unknown) => ({
  statusCode: (e as { statusCode?: number }).statusCode,
  code: (e as { code?: string }).code,
});
const sub = `/subscriptions/${env.subscriptionId}`;
const rgScope = `${sub}/resourceGroups/${env.rg}`;

// Role definitions: find Reader by name at the resource group, read it back by id and by scope + GUID.
const readers = await collect(authz.roleDefinitions.list(rgScope, { filter: "roleName eq 'Reader'" }));
out['readers'] = readers.map((r) => ({
  id: r.id,
  name: r.name,
  roleName: r.roleName,
  roleType: r.roleType,
  assignableScopes: r.assignableScopes,
  permissions: r.permissions,
}));
const reader = readers[0]!;
out['readerById'] = (await authz.roleDefinitions.getById(reader.id!)).roleName;
out['readerAtScope'] = (await authz.roleDefinitions.get(sub, reader.name!)).id;

// Role assignments: create, read, list in every way the SDK offers, refuse a duplicate.
const name = randomUUID();
const created = await authz.roleAssignments.create(rgScope, name, {
  roleDefinitionId: reader.id!,
  principalId: env.principalId,
  principalType: 'ServicePrincipal',
});
out['created'] = {
  id: created.id,
  name: created.name,
  scope: created.scope,
  roleDefinitionId: created.roleDefinitionId,
  principalId: created.principalId,
  principalType: created.principalType,
  createdOn: created.createdOn instanceof Date,
};
out['got'] = (await authz.roleAssignments.get(rgScope, name)).principalId;
out['gotById'] = (await authz.roleAssignments.getById(created.id!)).name;
const names = (xs: { name?: string }[]) => xs.map((x) => x.name);
out['atScope'] = names(await collect(authz.roleAssignments.listForScope(rgScope, { filter: 'atScope()' })));
out['forPrincipal'] = names(
  await collect(authz.roleAssignments.listForScope(rgScope, { filter: `principalId eq '${env.principalId}'` })),
);
out['forSubscription'] = names(await collect(authz.roleAssignments.listForSubscription()));
out['forResourceGroup'] = names(await collect(authz.roleAssignments.listForResourceGroup(env.rg)));
try {
  await authz.roleAssignments.create(rgScope, randomUUID(), {
    roleDefinitionId: reader.id!,
    principalId: env.principalId,
    principalType: 'ServicePrincipal',
  });
  out['duplicate'] = 'no error';
} catch (e) {
  out['duplicate'] = failure(e);
}

// A custom role: create, update, assign it on the identity by full id, list it for the resource.
const roleGuid = randomUUID();
const custom = {
  roleName: `Identity Reader ${roleGuid}`,
  description: 'reads identities',
  roleType: 'CustomRole',
  assignableScopes: [sub],
  permissions: [
    {
      actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/read'],
      notActions: [],
      dataActions: [],
      notDataActions: [],
    },
  ],
};
const role = await authz.roleDefinitions.createOrUpdate(sub, roleGuid, custom);
out['customCreated'] = { id: role.id, roleType: role.roleType, roleName: role.roleName };
const updated = await authz.roleDefinitions.createOrUpdate(sub, roleGuid, {
  ...custom,
  description: 'reads identities and their credentials',
});
out['customUpdated'] = updated.description;
out['customListed'] = (await collect(authz.roleDefinitions.list(sub, { filter: "type eq 'CustomRole'" }))).map(
  (r) => r.name,
);
const customAssignmentId = `${env.uaiId}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
const onIdentity = await authz.roleAssignments.createById(customAssignmentId, {
  roleDefinitionId: role.id!,
  principalId: env.principalId,
  principalType: 'ServicePrincipal',
});
out['customAssigned'] = { scope: onIdentity.scope, roleDefinitionId: onIdentity.roleDefinitionId };
out['forResource'] = names(
  await collect(
    authz.roleAssignments.listForResource(env.rg, 'Microsoft.ManagedIdentity', 'userAssignedIdentities', env.uaiName),
  ),
);
try {
  await authz.roleDefinitions.delete(sub, roleGuid);
  out['deleteUsedRole'] = 'no error';
} catch (e) {
  out['deleteUsedRole'] = failure(e);
}
out['denyAssignments'] = (await collect(authz.denyAssignments.listForScope(rgScope))).length;

// Clean-up: deletes answer with the object, then (already gone) without error.
out['deletedById'] = (await authz.roleAssignments.deleteById(customAssignmentId)).id === customAssignmentId;
out['deleted'] = (await authz.roleAssignments.delete(rgScope, name)).name;
out['deletedAgain'] = await authz.roleAssignments.delete(rgScope, name);
out['customDeleted'] = (await authz.roleDefinitions.delete(sub, roleGuid)).roleName;
try {
  await authz.roleAssignments.get(rgScope, name);
  out['getDeleted'] = 'no error';
} catch (e) {
  out['getDeleted'] = failure(e);
}
process.stdout.write(JSON.stringify(out));
