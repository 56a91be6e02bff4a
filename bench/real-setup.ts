/**
 * What the real-process cases need in a fresh installation, made over the public ARM wire as any
 * client would: a resource group, a user-assigned identity, and a VM carrying it. Then the two
 * ways a workload gets an agent for that VM: `openmi agent --resource` and `openmi run --resource`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpsRequest } from '../test/helpers/https.js';
import { adminToken, logTail, spawnCli, type Proc, type Serve } from './real-serve.js';

export const IDENTITY_API = '2024-11-30';
const GROUP_API = '2025-04-01';
const VM_API = '2024-07-01';

export interface Installation {
  token: string;
  vmId: string;
  identityId: string;
  /** The user-assigned identity's client id: the selector workloads send. */
  clientId: string;
  /** Body of the idempotent identity update the ARM write case repeats. */
  writeBody: string;
}

async function arm(s: Serve, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await httpsRequest(`${s.baseUrl}${path}`, {
    method,
    ca: s.ca,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

export async function install(s: Serve): Promise<Installation> {
  const token = await adminToken(s);
  const rg = `/subscriptions/${s.creds.subscriptionId}/resourceGroups/bench-rg`;
  await arm(s, token, 'PUT', `${rg}?api-version=${GROUP_API}`, { location: 'local' });
  const writeBody = { location: 'local', tags: { purpose: 'bench' } };
  const identity = await arm(
    s,
    token,
    'PUT',
    `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bench-identity?api-version=${IDENTITY_API}`,
    writeBody,
  );
  const vm = await arm(
    s,
    token,
    'PUT',
    `${rg}/providers/Microsoft.Compute/virtualMachines/bench-vm?api-version=${VM_API}`,
    {
      location: 'local',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } },
    },
  );
  return {
    token,
    vmId: vm.id,
    identityId: identity.id,
    clientId: identity.properties.clientId,
    writeBody: JSON.stringify(writeBody),
  };
}

/** A running agent and what a workload is handed to reach it. */
export interface AgentProc extends Proc {
  kind: 'agent' | 'run';
  /** http://127.0.0.1:PORT, the IMDS base. */
  imds: string;
  /** http://127.0.0.1:PORT/msi/token. */
  identityEndpoint: string;
  identityHeader: string;
}

/**
 * `openmi agent --resource` (an ephemeral agent enrolled with the data dir's admin credentials)
 * or `openmi run --resource … -- node` (the same agent, serving an idle child that reports the
 * environment it was given).
 */
export async function startAgentCli(
  kind: 'agent' | 'run',
  s: Serve,
  vmId: string,
  dir: string,
  cpus: string,
  nodeFlags: string[] = [],
  main?: string,
): Promise<AgentProc> {
  const envFile = join(dir, `${kind}-env.json`);
  const common = ['--resource', vmId, '--data-dir', s.dataDir];
  const report = `require('fs').writeFileSync(${JSON.stringify(envFile)}, JSON.stringify(process.env)); setInterval(() => {}, 1 << 30)`;
  const args =
    kind === 'agent'
      ? ['agent', ...common, '--listen', '127.0.0.1:0', '--ready-file', envFile]
      : ['run', ...common, '--', process.execPath, '-e', report];
  const proc = spawnCli(args, cpus, nodeFlags, join(dir, `${kind}.log`), {}, main);
  for (let i = 0; i < 1200; i++) {
    if (!proc.alive()) throw new Error(`openmi ${kind} exited: ${logTail(proc)}`);
    const env = readEnv(envFile, kind);
    if (env !== undefined) {
      const identityEndpoint = env['IDENTITY_ENDPOINT']!;
      return {
        ...proc,
        kind,
        imds: env['AZURE_POD_IDENTITY_AUTHORITY_HOST']!,
        identityEndpoint,
        identityHeader: env['IDENTITY_HEADER']!,
      };
    }
    await sleep(100);
  }
  await proc.stop();
  throw new Error(`openmi ${kind} did not become ready within 120 s: ${logTail(proc)}`);
}

function readEnv(file: string, kind: 'agent' | 'run'): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return (kind === 'agent' ? doc['env'] : doc) as Record<string, string>;
  } catch {
    return undefined; // still being written
  }
}
