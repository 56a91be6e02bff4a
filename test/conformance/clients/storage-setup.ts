import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestServer } from '../../helpers/server.js';

/** Helpers shared by the storage bearer conformance tests. */
const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./storage-blob-mi.client.js', import.meta.url));
const CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';

/** `openmi run` exactly as a user types it, with a clean environment (the dns preload comes from openmi run). */
export function runBlobClient(dataDir: string, vmId: string, args: object): Promise<Record<string, any>> {
  return runStorageClient(dataDir, vmId, CLIENT, args);
}

/** As runBlobClient, for another compiled client script (a path next to this file: `./x.client.js`). */
export function runStorageClient(
  dataDir: string,
  vmId: string,
  client: string,
  args: object,
): Promise<Record<string, any>> {
  const argv = [
    MAIN,
    'run',
    '--data-dir',
    dataDir,
    '--resource',
    vmId,
    '--',
    process.execPath,
    client.startsWith('./') ? fileURLToPath(new URL(client, import.meta.url)) : client,
    JSON.stringify(args),
  ];
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      argv,
      { env: { PATH: process.env['PATH'] ?? '' }, timeout: 90_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${String(err)}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    ),
  );
}

const PRELOAD = fileURLToPath(new URL('../../../src/cli/dns/preload.js', import.meta.url));

/**
 * A client script run directly (no `openmi run`, so no managed identity): it trusts openmi's CA and
 * resolves *.openmi.localhost to loopback, as with an account key or a SAS.
 */
export function runKeyedClient(t: TestServer, client: string, args: object): Promise<Record<string, any>> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    NODE_EXTRA_CA_CERTS: t.server.caCertPath,
    NODE_OPTIONS: `--import ${PRELOAD}`,
    OPENMI_DATA_PLANE_ZONE: 'openmi.localhost',
    OPENMI_DATA_PLANE_HOST: '127.0.0.1',
  };
  const script = client.startsWith('./') ? fileURLToPath(new URL(client, import.meta.url)) : client;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [script, JSON.stringify(args)], { env, timeout: 90_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)),
    ),
  );
}

/** A resource group, a VM with a system-assigned identity and a storage account. */
export async function blobSetup(
  t: TestServer,
  rgName: string,
): Promise<{ vmId: string; principalId: string; accountId: string; url: string; queueUrl: string; tableUrl: string }> {
  const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/${rgName}`;
  await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
  const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
  });
  assert.equal(vm.status, 201, vm.text);
  const accountId = `${rg}/providers/Microsoft.Storage/storageAccounts/st${Date.now().toString(36)}`;
  const st = await t.arm('PUT', `${accountId}?api-version=2023-05-01`, {
    location: 'westeurope',
    sku: { name: 'Standard_LRS' },
    kind: 'StorageV2',
  });
  assert.equal(st.status, 200, st.text);
  return {
    vmId: vm.json.id,
    principalId: vm.json.identity.principalId,
    accountId,
    url: st.json.properties.primaryEndpoints.blob,
    queueUrl: st.json.properties.primaryEndpoints.queue,
    tableUrl: st.json.properties.primaryEndpoints.table,
  };
}

export async function assignContributor(t: TestServer, scope: string, principalId: string): Promise<void> {
  await assignRole(t, scope, principalId, CONTRIBUTOR);
}

/** Assigns the built-in role `roleGuid` at `scope`; returns the assignment's id (for DELETE). */
export async function assignRole(t: TestServer, scope: string, principalId: string, roleGuid: string): Promise<string> {
  const roleDefinitionId = `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
  const ra = await t.arm('PUT', `${id}?api-version=2022-04-01`, {
    properties: { roleDefinitionId, principalId, principalType: 'ServicePrincipal' },
  });
  assert.equal(ra.status, 201, ra.text);
  return id;
}
