import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, readIfExists, writePrivateFile } from '../kernel/private-files.js';

/**
 * What a restarted `openmi agent` needs to carry on without a new join token (join tokens are
 * single-use). The private key is stored in the clear, protected by file modes only, as SPIRE
 * agents do: the agent has no master key to seal it with, and anyone who can read this file as
 * root or as the agent's user can already ask the agent for tokens.
 */
export interface AgentState {
  serverUrl: string;
  agentId: string;
  resourceId: string;
  tenantId: string;
  /** Epoch ms, or null for an agent that does not expire. */
  expiresAt: number | null;
  privateKeyPem: string;
}

const FILE = 'agent.json';

export const statePath = (stateDir: string): string => join(stateDir, FILE);

export function saveState(stateDir: string, state: AgentState): void {
  ensurePrivateDir(stateDir);
  writePrivateFile(statePath(stateDir), `${JSON.stringify(state, null, 2)}\n`);
}

const STRING_FIELDS = ['serverUrl', 'agentId', 'resourceId', 'tenantId', 'privateKeyPem'] as const;

/** The saved state, or undefined if there is none. A damaged file is an error, not a silent re-enrollment. */
export function loadState(stateDir: string): AgentState | undefined {
  const path = statePath(stateDir);
  const text = readIfExists(path);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${path} is not valid JSON (${(e as Error).message}); delete it and enroll again with a new join token`,
    );
  }
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const missing = STRING_FIELDS.filter((k) => typeof obj[k] !== 'string');
  if (missing.length > 0 || !(obj.expiresAt === null || typeof obj.expiresAt === 'number')) {
    const bad = missing.length > 0 ? missing.join(', ') : 'expiresAt';
    throw new Error(`${path} is incomplete or damaged (${bad}); delete it and enroll again with a new join token`);
  }
  return {
    serverUrl: obj.serverUrl as string,
    agentId: obj.agentId as string,
    resourceId: obj.resourceId as string,
    tenantId: obj.tenantId as string,
    expiresAt: obj.expiresAt as number | null,
    privateKeyPem: obj.privateKeyPem as string,
  };
}

export function clearState(stateDir: string): void {
  rmSync(statePath(stateDir), { force: true });
}
