import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from './cli-error.js';
import {
  assignIdentities,
  hasSystemAssigned,
  identityType,
  removeIdentities,
  resolveUserAssignedId,
  type IdentityBlock,
} from './identity-block.js';

const SUB = '11111111-1111-1111-1111-111111111111';
const uai = (name: string, rg = 'rg') =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const A = uai('a');
const B = uai('b');
const C = uai('c');
const entry = { principalId: 'p', clientId: 'c' };

const none: IdentityBlock = { type: 'None' };
const system: IdentityBlock = { type: 'SystemAssigned', principalId: 'sp', tenantId: 't' };
const userA: IdentityBlock = { type: 'UserAssigned', userAssignedIdentities: { [A]: entry } };
const userAB: IdentityBlock = { type: 'UserAssigned', userAssignedIdentities: { [A]: entry, [B]: entry } };
const both: IdentityBlock = {
  type: 'SystemAssigned, UserAssigned',
  principalId: 'sp',
  tenantId: 't',
  userAssignedIdentities: { [A]: entry },
};

describe('identityType', () => {
  it('names every combination as ARM spells it', () => {
    assert.equal(identityType(false, false), 'None');
    assert.equal(identityType(true, false), 'SystemAssigned');
    assert.equal(identityType(false, true), 'UserAssigned');
    assert.equal(identityType(true, true), 'SystemAssigned, UserAssigned');
  });

  it('reads types with or without the space, in any case', () => {
    assert.equal(hasSystemAssigned({ type: 'SystemAssigned,UserAssigned' }), true);
    assert.equal(hasSystemAssigned({ type: 'systemassigned' }), true);
    assert.equal(hasSystemAssigned({ type: 'UserAssigned' }), false);
    assert.equal(hasSystemAssigned(undefined), false);
  });
});

describe('assignIdentities', () => {
  it('assigns the system identity when nothing is named, like az', () => {
    assert.deepEqual(assignIdentities(undefined, { systemAssigned: false, userAssigned: [] }), {
      type: 'SystemAssigned',
    });
    assert.deepEqual(assignIdentities(none, { systemAssigned: true, userAssigned: [] }), { type: 'SystemAssigned' });
  });

  it('adds a user identity to nothing, to system, and to existing user identities', () => {
    assert.deepEqual(assignIdentities(undefined, { systemAssigned: false, userAssigned: [A] }), {
      type: 'UserAssigned',
      userAssignedIdentities: { [A]: {} },
    });
    assert.deepEqual(assignIdentities(system, { systemAssigned: false, userAssigned: [A] }), {
      type: 'SystemAssigned, UserAssigned',
      userAssignedIdentities: { [A]: {} },
    });
    assert.deepEqual(assignIdentities(userA, { systemAssigned: false, userAssigned: [B] }), {
      type: 'UserAssigned',
      userAssignedIdentities: { [A]: {}, [B]: {} },
    });
  });

  it('adds system to user identities, and both at once', () => {
    assert.deepEqual(assignIdentities(userA, { systemAssigned: true, userAssigned: [] }), {
      type: 'SystemAssigned, UserAssigned',
      userAssignedIdentities: { [A]: {} },
    });
    assert.deepEqual(assignIdentities(none, { systemAssigned: true, userAssigned: [A, B] }), {
      type: 'SystemAssigned, UserAssigned',
      userAssignedIdentities: { [A]: {}, [B]: {} },
    });
  });

  it('is idempotent and matches ids case-insensitively, keeping the server spelling', () => {
    assert.deepEqual(assignIdentities(both, { systemAssigned: true, userAssigned: [A.toUpperCase()] }), {
      type: 'SystemAssigned, UserAssigned',
      userAssignedIdentities: { [A]: {} },
    });
  });
});

describe('removeIdentities', () => {
  it('removes the system identity when nothing is named, like az', () => {
    assert.deepEqual(removeIdentities(system, { systemAssigned: false, userAssigned: [] }), { type: 'None' });
    assert.deepEqual(removeIdentities(both, { systemAssigned: true, userAssigned: [] }), {
      type: 'UserAssigned',
      userAssignedIdentities: { [A]: {} },
    });
  });

  it('sends removed user identities as null while others remain', () => {
    assert.deepEqual(removeIdentities(userAB, { systemAssigned: false, userAssigned: [B] }), {
      type: 'UserAssigned',
      userAssignedIdentities: { [A]: {}, [B]: null },
    });
  });

  it('drops the map when the last user identity goes, so the type alone says what remains', () => {
    assert.deepEqual(removeIdentities(userA, { systemAssigned: false, userAssigned: [A] }), { type: 'None' });
    assert.deepEqual(removeIdentities(both, { systemAssigned: false, userAssigned: [A] }), { type: 'SystemAssigned' });
    assert.deepEqual(removeIdentities(both, { systemAssigned: true, userAssigned: [A] }), { type: 'None' });
  });

  it('matches ids case-insensitively and sends the server spelling', () => {
    assert.deepEqual(removeIdentities(userAB, { systemAssigned: false, userAssigned: [A.toLowerCase()] }), {
      type: 'UserAssigned',
      userAssignedIdentities: { [B]: {}, [A]: null },
    });
  });

  it('refuses to remove a user identity that is not assigned, naming what is', () => {
    assert.throws(
      () => removeIdentities(userA, { systemAssigned: false, userAssigned: [C] }),
      (e: unknown) => e instanceof CliError && e.message.includes(C) && e.message.includes(A),
    );
    assert.throws(
      () => removeIdentities(undefined, { systemAssigned: false, userAssigned: [C] }),
      /user-assigned identities: none/,
    );
  });

  it('ignores null entries the server may echo back', () => {
    const echoed: IdentityBlock = { type: 'UserAssigned', userAssignedIdentities: { [A]: entry, [B]: null } };
    assert.deepEqual(assignIdentities(echoed, { systemAssigned: false, userAssigned: [] }), {
      type: 'SystemAssigned, UserAssigned',
      userAssignedIdentities: { [A]: {} },
    });
  });
});

describe('resolveUserAssignedId', () => {
  it('expands a bare name into the resource group, and keeps full ids', () => {
    assert.equal(resolveUserAssignedId('a', SUB, 'rg'), A);
    assert.equal(resolveUserAssignedId(uai('x', 'other'), SUB, 'rg'), uai('x', 'other'));
  });

  it('rejects ids of something else and partial paths', () => {
    assert.throws(
      () => resolveUserAssignedId(`/subscriptions/${SUB}/resourceGroups/rg`, SUB, 'rg'),
      /not a user-assigned identity id/,
    );
    assert.throws(() => resolveUserAssignedId('rg/a', SUB, 'rg'), /neither an identity name nor a full identity id/);
  });
});
