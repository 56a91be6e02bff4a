/**
 * What every benchmark process needs to mint real tokens: a temporary SQLite store holding a real
 * signing key ring (sealed under a random master key), opened the way the server opens it, and a
 * separate RSA-2048 key for the bare `crypto.sign` baseline.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, epochSeconds } from '../src/kernel/clock.js';
import { systemRandom } from '../src/kernel/ids.js';
import type { IdentitySelector, MintedToken, TokenUpstream } from '../src/agent/upstream.js';
import { openStore } from '../src/store/open-store.js';
import type { PrincipalRecord } from '../src/store/records.js';
import { TokenIssuer, type IssueRequest } from '../src/server/tokens/issue.js';
import { Authority } from '../src/server/tokens/issuers.js';
import { KeyRing } from '../src/server/tokens/key-ring.js';
import type { SigningPool } from '../src/server/tokens/jwt/signing-pool.js';

/** Passed to child processes and workers (as JSON): everything is re-opened from it. */
export interface FixtureSpec {
  storePath: string;
  masterKeyHex: string;
  baselineKeyPem: string;
}

export const BENCH_RESOURCE = 'https://management.azure.com';
const SUBSCRIPTION = '00000000-0000-0000-0000-00000000b0b0';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '5d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6';
const IDENTITY_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/bench-identity`;
const VM_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench-rg/providers/Microsoft.Compute/virtualMachines/bench-vm`;

/** A user-assigned managed identity as the minter sees it. */
export const BENCH_PRINCIPAL: PrincipalRecord = {
  objectId: '0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f',
  appId: CLIENT_ID,
  tenantId: TENANT,
  displayName: 'bench-identity',
  kind: 'managedIdentity',
  resourceId: IDENTITY_ID,
  createdAt: Date.UTC(2026, 0, 1),
};
export const BENCH_CLIENT_ID = CLIENT_ID;
/** An issuer URL of realistic length (the server's own base URL in production). */
export const BENCH_AUTHORITY = 'https://openmi.bench.internal:8443';
/** Azure managed-identity tokens live about 24 h. */
const LIFETIME_SECONDS = 86_399;

/** The request the agent minter builds for a user-assigned identity on a VM (agents/mint.ts). */
export function mintRequest(audience: string): IssueRequest {
  return {
    principal: BENCH_PRINCIPAL,
    audience,
    lifetimeSeconds: LIFETIME_SECONDS,
    appidacr: '2',
    extraClaims: { xms_mirid: IDENTITY_ID, xms_az_rid: VM_ID },
  };
}

/** Creates the store and its key ring (slow: two RSA key generations). Run once per benchmark. */
export async function createFixture(dir: string): Promise<FixtureSpec> {
  const masterKey = randomBytes(32);
  const storePath = join(dir, 'bench.db');
  const store = await openStore({ kind: 'sqlite', path: storePath });
  try {
    await new KeyRing(store, masterKey, systemClock).open();
  } finally {
    await store.close();
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const baselineKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(join(dir, 'baseline-key.pem'), baselineKeyPem, { mode: 0o600 });
  return { storePath, masterKeyHex: masterKey.toString('hex'), baselineKeyPem };
}

/** Opens the key ring from the store (as `openmi serve` does) and returns the real issuer, signing on `pool` if given. */
export async function openIssuer(
  spec: FixtureSpec,
  pool?: SigningPool,
): Promise<{ issuer: TokenIssuer; ring: KeyRing }> {
  const store = await openStore({ kind: 'sqlite', path: spec.storePath });
  try {
    const ring = await new KeyRing(store, Buffer.from(spec.masterKeyHex, 'hex'), systemClock).open();
    // The ring keeps its signer after the store closes; the benchmark never reloads or rotates.
    return { issuer: new TokenIssuer(ring, new Authority(BENCH_AUTHORITY), systemClock, systemRandom, pool), ring };
  } finally {
    await store.close();
  }
}

/** The openmi server as the agent's cache sees it, minting in-process with the real TokenIssuer. */
export class IssuerUpstream implements TokenUpstream {
  mints = 0;
  constructor(private readonly issuer: TokenIssuer) {}

  async mint(resource: string, _selector: IdentitySelector | undefined, _correlationId: string): Promise<MintedToken> {
    this.mints++;
    const t = await this.issuer.issueAsync(mintRequest(resource));
    return {
      accessToken: t.accessToken,
      issuedAt: t.issuedAt,
      expiresOn: t.expiresAt,
      resource,
      clientId: BENCH_PRINCIPAL.appId,
      objectId: BENCH_PRINCIPAL.objectId,
      identityResourceId: IDENTITY_ID,
    };
  }

  async instanceMetadata(): Promise<Record<string, unknown>> {
    return {
      compute: { name: 'bench-vm', resourceId: VM_ID, vmId: randomUUID() },
      timestamp: epochSeconds(systemClock),
    };
  }
}
