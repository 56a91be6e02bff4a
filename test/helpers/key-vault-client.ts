import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runLineClient } from './line-client.js';
import type { TestServer } from './server.js';

const CLIENT = fileURLToPath(new URL('../conformance/clients/key-vault.client.js', import.meta.url));

/**
 * The unmodified @azure/keyvault-secrets client under `openmi run --resource`, one JSON command
 * per line (test/conformance/clients/key-vault.client.ts). Test-only.
 */
export function keyVaultClient(dataDir: string, resourceId: string, vaultUrl: string, clientId?: string) {
  return runLineClient(CLIENT, dataDir, resourceId, vaultUrl, ...(clientId ? [clientId] : []));
}

export interface VaultWithVm {
  rg: string;
  vmId: string;
  principalId: string;
  vault: { id: string; properties: { vaultUri: string; tenantId: string; enableRbacAuthorization: boolean } };
}

/**
 * What every Key Vault conformance test starts from: a resource group holding a VM with a
 * system-assigned identity (vm1 unless named) and an RBAC vault, both created through ARM.
 */
export async function vaultWithVm(
  t: TestServer,
  names: { rg: string; vault: string; vm?: string; location?: string },
): Promise<VaultWithVm> {
  const location = names.location ?? 'westeurope';
  const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/${names.rg}`;
  await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location });
  const vm = await t.arm(
    'PUT',
    `${rg}/providers/Microsoft.Compute/virtualMachines/${names.vm ?? 'vm1'}?api-version=2024-07-01`,
    {
      location,
      identity: { type: 'SystemAssigned' },
    },
  );
  const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/${names.vault}?api-version=2023-07-01`, {
    location,
    properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
  });
  assert.equal(kv.status, 201, kv.text);
  return { rg, vmId: vm.json.id, principalId: vm.json.identity.principalId, vault: kv.json };
}

/** Assigns a role definition (by GUID) at a scope through ARM; returns the assignment's id. */
export async function assignRole(
  t: TestServer,
  scope: string,
  role: string,
  principalId: string,
  principalType = 'ServicePrincipal',
): Promise<string> {
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
  const r = await t.arm('PUT', `${id}?api-version=2022-04-01`, {
    properties: {
      roleDefinitionId: `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId,
      principalType,
    },
  });
  assert.equal(r.status, 201, r.text);
  return id;
}

export async function removeRole(t: TestServer, id: string): Promise<void> {
  assert.equal((await t.arm('DELETE', `${id}?api-version=2022-04-01`)).status, 200);
}
