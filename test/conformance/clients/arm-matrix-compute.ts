/** Matrix flows of the compute-like packages: each type's create, get, update, list and delete through its newest client. */
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers';
import { HybridComputeManagementClient } from '@azure/arm-hybridcompute';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { collect, expect, provisioned, type MatrixEnv, type Recorder } from './arm-matrix-kit.js';

type Identity = { type: string; principalId?: string; userAssignedIdentities?: Record<string, unknown> } | undefined;
const idOf = (r: unknown): Identity => (r as { identity?: Identity } | undefined)?.identity;

/** VMs and scale sets, with the identity flows: system-assigned on create, a user-assigned one attached and detached. */
export async function compute(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-compute';
  const c = new ComputeManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const msi = new ManagedServiceIdentityClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const uai = await msi.userAssignedIdentities.createOrUpdate(env.rg, 'matrix-uai', { location: 'westeurope' });
  const vm = { location: 'westeurope', identity: { type: 'SystemAssigned' as const }, tags: { by: 'matrix' } };
  await rec.flow(
    P,
    'virtualMachines.beginCreateOrUpdateAndWait (SystemAssigned)',
    () => c.virtualMachines.beginCreateOrUpdateAndWait(env.rg, 'vm1', vm),
    (r) => expect(provisioned(r) && !!idOf(r)?.principalId, r),
  );
  await rec.flow(
    P,
    'virtualMachines.get',
    () => c.virtualMachines.get(env.rg, 'vm1'),
    (r) => expect(idOf(r)?.type === 'SystemAssigned', r),
  );
  await rec.flow(
    P,
    'virtualMachines.update (assign user-assigned)',
    () =>
      c.virtualMachines.update(env.rg, 'vm1', {
        identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uai.id!]: {} } },
      }),
    (r) =>
      expect(
        idOf(r)?.type === 'SystemAssigned, UserAssigned' &&
          Object.keys(idOf(r)?.userAssignedIdentities ?? {}).length === 1,
        r,
      ),
  );
  await rec.flow(
    P,
    'virtualMachines.update (remove user-assigned)',
    () => c.virtualMachines.update(env.rg, 'vm1', { identity: { type: 'SystemAssigned' } }),
    (r) => expect(idOf(r)?.type === 'SystemAssigned', r),
  );
  await rec.flow(
    P,
    'virtualMachines.list',
    () => collect(c.virtualMachines.list(env.rg)),
    (r) =>
      expect(
        r.some((v) => v.name === 'vm1'),
        r,
      ),
  );
  await rec.flow(P, 'virtualMachines.beginDeleteAndWait', () => c.virtualMachines.beginDeleteAndWait(env.rg, 'vm1'));
  await rec.flow(
    P,
    'virtualMachineScaleSets.beginCreateOrUpdateAndWait (UserAssigned)',
    () =>
      c.virtualMachineScaleSets.beginCreateOrUpdateAndWait(env.rg, 'ss1', {
        location: 'westeurope',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [uai.id!]: {} } },
      }),
    (r) => expect(provisioned(r) && idOf(r)?.type === 'UserAssigned', r),
  );
  await rec.flow(
    P,
    'virtualMachineScaleSets.get',
    () => c.virtualMachineScaleSets.get(env.rg, 'ss1'),
    (r) => expect(r.name === 'ss1', r),
  );
  await rec.flow(
    P,
    'virtualMachineScaleSets.update',
    () => c.virtualMachineScaleSets.update(env.rg, 'ss1', { tags: { x: '1' } }),
    (r) => expect(r.tags?.['x'] === '1', r),
  );
  await rec.flow(
    P,
    'virtualMachineScaleSets.list',
    () => collect(c.virtualMachineScaleSets.list(env.rg)),
    (r) => expect(r.length === 1, r),
  );
  await rec.flow(P, 'virtualMachineScaleSets.beginDeleteAndWait', () =>
    c.virtualMachineScaleSets.beginDeleteAndWait(env.rg, 'ss1'),
  );
}

export async function appService(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-appservice';
  const c = new WebSiteManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  await rec.flow(
    P,
    'webApps.beginCreateOrUpdateAndWait',
    () =>
      c.webApps.beginCreateOrUpdateAndWait(env.rg, 'web1', {
        location: 'westeurope',
        kind: 'app',
        identity: { type: 'SystemAssigned' },
      }),
    (r) => expect(r.name === 'web1' && !!r.identity?.principalId, r),
  );
  await rec.flow(
    P,
    'webApps.get',
    () => c.webApps.get(env.rg, 'web1'),
    (r) => expect(r.kind === 'app', r),
  );
  await rec.flow(
    P,
    'webApps.update (remove identity)',
    () => c.webApps.update(env.rg, 'web1', { identity: { type: 'None' } }),
    (r) => expect(r.identity === undefined, r),
  );
  await rec.flow(
    P,
    'webApps.listByResourceGroup',
    () => collect(c.webApps.listByResourceGroup(env.rg)),
    (r) =>
      expect(
        r.some((s) => s.name === 'web1'),
        r,
      ),
  );
  await rec.flow(P, 'webApps.delete', () => c.webApps.delete(env.rg, 'web1'));
}

export async function containerInstance(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-containerinstance';
  const c = new ContainerInstanceManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  const group = {
    location: 'westeurope',
    osType: 'Linux',
    identity: { type: 'SystemAssigned' as const },
    containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: 1, memoryInGB: 1 } } }],
  };
  await rec.flow(
    P,
    'containerGroups.beginCreateOrUpdateAndWait',
    () => c.containerGroups.beginCreateOrUpdateAndWait(env.rg, 'cg1', group),
    (r) => expect(r.provisioningState === 'Succeeded' && !!r.identity?.principalId, r),
  );
  await rec.flow(
    P,
    'containerGroups.get',
    () => c.containerGroups.get(env.rg, 'cg1'),
    (r) => expect(r.name === 'cg1', r),
  );
  await rec.flow(
    P,
    'containerGroups.update',
    () => c.containerGroups.update(env.rg, 'cg1', { tags: { x: '1' } }),
    (r) => expect(r.tags?.['x'] === '1', r),
  );
  await rec.flow(
    P,
    'containerGroups.listByResourceGroup',
    () => collect(c.containerGroups.listByResourceGroup(env.rg)),
    (r) => expect(r.length === 1, r),
  );
  await rec.flow(P, 'containerGroups.beginDeleteAndWait', () => c.containerGroups.beginDeleteAndWait(env.rg, 'cg1'));
}

export async function appContainers(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-appcontainers';
  const c = new ContainerAppsAPIClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  await rec.flow(
    P,
    'containerApps.beginCreateOrUpdateAndWait',
    () =>
      c.containerApps.beginCreateOrUpdateAndWait(env.rg, 'app1', {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      }),
    (r) => expect(r.provisioningState === 'Succeeded' && !!r.identity?.principalId, r),
  );
  await rec.flow(
    P,
    'containerApps.get',
    () => c.containerApps.get(env.rg, 'app1'),
    (r) => expect(r.name === 'app1', r),
  );
  await rec.flow(
    P,
    'containerApps.beginUpdateAndWait',
    () => c.containerApps.beginUpdateAndWait(env.rg, 'app1', { location: 'westeurope', tags: { x: '1' } }),
    (r) => expect(r.tags?.['x'] === '1', r),
  );
  await rec.flow(
    P,
    'containerApps.listByResourceGroup',
    () => collect(c.containerApps.listByResourceGroup(env.rg)),
    (r) => expect(r.length === 1, r),
  );
  await rec.flow(P, 'containerApps.beginDeleteAndWait', () => c.containerApps.beginDeleteAndWait(env.rg, 'app1'));
}

/** arm-hybridcompute 3 (2021-05-20) has no create: the machine is created over the wire first, as the Arc agent would. */
export async function hybridCompute(rec: Recorder, cred: TokenCredential, env: MatrixEnv): Promise<void> {
  const P = '@azure/arm-hybridcompute';
  const c = new HybridComputeManagementClient(cred, env.subscriptionId, { endpoint: env.armEndpoint });
  await rec.flow(
    P,
    'machines.get',
    () => c.machines.get(env.rg, env.machine),
    (r) => expect(r.identity?.type === 'SystemAssigned' && provisioned(r), r),
  );
  await rec.flow(
    P,
    'machines.listByResourceGroup',
    () => collect(c.machines.listByResourceGroup(env.rg)),
    (r) =>
      expect(
        r.some((m) => m.name === env.machine),
        r,
      ),
  );
  await rec.flow(P, 'machines.delete', () => c.machines.delete(env.rg, env.machine));
}
