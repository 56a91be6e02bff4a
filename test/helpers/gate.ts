import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Starts `openmi gate` (the real CLI) and resolves with the port it printed, or rejects with its output. */
export function startGate(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [MAIN, 'gate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    // Generous: on a loaded machine a node process can take many seconds to start.
    const timer = setTimeout(() => (child.kill(), reject(new Error(`gate did not start within 60 s: ${out}`))), 60_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /listening on [^\s]*:(\d+)/.exec(out);
      if (m) (clearTimeout(timer), resolve({ child, port: Number(m[1]) }));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`gate exited ${code}: ${out}`))));
  });
}

/** A custom role with exactly these data actions, assigned to the principal at the subscription. */
export async function grantDataActions(t: TestServer, principalId: string, dataActions: string[]): Promise<void> {
  const sub = `/subscriptions/${t.creds.subscriptionId}`;
  const roleId = `${sub}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`;
  const role = await t.arm('PUT', `${roleId}?api-version=2022-04-01`, {
    properties: {
      roleName: `Gate test ${roleId.slice(-8)}`,
      description: 'gate test',
      type: 'CustomRole',
      permissions: [{ actions: [], notActions: [], dataActions, notDataActions: [] }],
      assignableScopes: [sub],
    },
  });
  if (role.status !== 201) throw new Error(`role: ${role.status} ${role.text}`);
  const ra = await t.arm(
    'PUT',
    `${sub}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
    { properties: { roleDefinitionId: roleId, principalId, principalType: 'ServicePrincipal' } },
  );
  if (ra.status !== 201) throw new Error(`role assignment: ${ra.status} ${ra.text}`);
}
