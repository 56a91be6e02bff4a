import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../testing/server.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function azMissing(): string | undefined {
  try {
    execFileSync('az', ['version'], { stdio: 'ignore', timeout: 60_000 });
    return undefined;
  } catch {
    return "Debian's azure-cli is not installed (az not on PATH); .ci/run installs it";
  }
}
const missing = azMissing();

/**
 * `az login --identity` (Debian's azure-cli 2.45, unmodified) under `openmi run`: it reads only
 * MSI_ENDPOINT (spec 04 §6.1), asks for a token for https://management.core.windows.net/ and
 * lists the subscriptions the identity can see.
 */
describe('Azure CLI (unmodified) az login --identity under openmi run', { skip: process.env['CI'] !== 'true' && missing }, () => {
  let t: TestServer;
  let dir: string;
  let vmId: string;
  before(async () => {
    if (missing) throw new Error(missing);
    t = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'openmi-az-'));
    const sub = t.creds.subscriptionId;
    await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-az?api-version=2025-04-01`, { location: 'local' });
    const vm = await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-az/providers/Microsoft.Compute/virtualMachines/cli-vm?api-version=2024-07-01`, { location: 'local', identity: { type: 'SystemAssigned' } });
    vmId = vm.json.id;
    const ra = await t.arm('PUT', `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, {
      properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, principalId: vm.json.identity.principalId },
    });
    assert.equal(ra.status, 201, ra.text);
    writeFileSync(join(dir, 'cloud.json'), JSON.stringify({ endpoints: {
      resourceManager: `${t.server.baseUrl}/`, activeDirectory: 'https://login.invalid', activeDirectoryResourceId: 'https://management.core.windows.net/',
      activeDirectoryGraphResourceId: 'https://graph.windows.net/', microsoftGraphResourceId: `${t.server.baseUrl}/`,
    } }));
    writeFileSync(join(dir, 'az.sh'), [
      'set -e',
      `export AZURE_CONFIG_DIR=${dir}/az AZURE_CORE_COLLECT_TELEMETRY=false`,
      `az cloud register -n openmi --cloud-config @${dir}/cloud.json >/dev/null 2>&1`,
      'az cloud set -n openmi >/dev/null 2>&1',
      'az login --identity -o json > "$AZURE_CONFIG_DIR/../login.json"',
      'az account get-access-token --resource https://vault.azure.net -o json > "$AZURE_CONFIG_DIR/../token.json"',
      // Sends eventTimestamp ge/le as Python isoformat, unquoted and without an offset (issue 14).
      'az monitor activity-log list -g rg-az --offset 1h -o json > "$AZURE_CONFIG_DIR/../activity.json"',
      'az group show -n rg-az -o json',
    ].join('\n'));
  });
  after(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the system-assigned identity, gets tokens, reads through Resource Manager and lists the activity log', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [MAIN, 'run', '--data-dir', t.dataDir, '--resource', vmId, '--', 'bash', join(dir, 'az.sh')], { env: { PATH: process.env['PATH'] ?? '', HOME: dir }, timeout: 120_000 }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr })),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).name, 'rg-az');
    const { readFileSync } = await import('node:fs');
    const login = JSON.parse(readFileSync(join(dir, 'login.json'), 'utf8'));
    assert.equal(login[0].id, t.creds.subscriptionId);
    assert.equal(login[0].user.assignedIdentityInfo, 'MSI');
    assert.equal(JSON.parse(readFileSync(join(dir, 'token.json'), 'utf8')).tenant, t.creds.tenantId);
    const activity = JSON.parse(readFileSync(join(dir, 'activity.json'), 'utf8')) as Array<{ operationName: { value: string }; resourceId: string }>;
    assert.ok(activity.some((e) => e.operationName.value === 'Microsoft.Compute/virtualMachines/write' && e.resourceId === vmId), JSON.stringify(activity).slice(0, 500));
  });
});
