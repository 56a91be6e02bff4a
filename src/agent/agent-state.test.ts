import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearState, loadState, saveState, type AgentState } from './agent-state.js';

const state: AgentState = {
  serverUrl: 'https://openmi.example:8443',
  agentId: 'a-1',
  resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
  tenantId: 't-1',
  expiresAt: null,
  privateKeyPem: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
};

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('agent state', () => {
  it('round-trips, readable by the owner only', (t) => {
    const dir = join(tmp(t), 'state');
    assert.equal(loadState(dir), undefined);
    saveState(dir, state);
    assert.deepEqual(loadState(dir), state);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'agent.json')).mode & 0o777, 0o600);
    saveState(dir, { ...state, expiresAt: 1_900_000_000_000 });
    assert.equal(loadState(dir)!.expiresAt, 1_900_000_000_000);
  });

  it('tightens an existing, too open directory', (t) => {
    const dir = tmp(t);
    saveState(dir, state);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('clears, and clearing twice is fine', (t) => {
    const dir = tmp(t);
    saveState(dir, state);
    clearState(dir);
    clearState(dir);
    assert.equal(loadState(dir), undefined);
  });

  it('refuses a damaged file instead of silently enrolling again', (t) => {
    const dir = tmp(t);
    writeFileSync(join(dir, 'agent.json'), '{not json');
    assert.throws(() => loadState(dir), /not valid JSON.*join token/);
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ ...state, privateKeyPem: undefined }));
    assert.throws(() => loadState(dir), /privateKeyPem/);
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ ...state, expiresAt: 'soon' }));
    assert.throws(() => loadState(dir), /expiresAt/);
  });
});
