import { KEY_OPERATIONS, type KeyInput, type KeyOperation, type KeyOperationInput } from '../../key-vaults/keys.js';
import { deletedKey, keyBundle, keyItem, keyResult, rotationPolicy } from './key-wire.js';
import { listPage, vaultOp, type Call, type VaultOperation } from './operation.js';

const op = vaultOp('keys');
/** Azure's own data actions for policies: `Microsoft.KeyVault/vaults/keyrotationpolicies/{read,write}`. */
const policyOp = (action: 'read' | 'write', scope: string, run: VaultOperation['run']): VaultOperation => ({
  dataAction: `Microsoft.KeyVault/vaults/keyrotationpolicies/${action}`,
  scope,
  needsBody: action === 'write',
  run,
});
/** The data action of each cryptographic operation (Key Vault Crypto User's list). */
const OP_ACTION: Record<KeyOperation, string> = {
  sign: 'sign/action',
  verify: 'verify/action',
  encrypt: 'encrypt/action',
  decrypt: 'decrypt/action',
  wrapkey: 'wrap/action',
  unwrapkey: 'unwrap/action',
};
const isOperation = (s: string | undefined): s is KeyOperation => KEY_OPERATIONS.includes(s as KeyOperation);

/** `keys/{name}/{version}/{operation}`; the SDK sends an empty version for "latest" (`keys/{name}//sign`). */
function cryptoRoute(c: Call, name: string, rest: string[]): VaultOperation | undefined {
  const operation = rest[rest.length - 1];
  if (!isOperation(operation) || rest.length > 2) return undefined;
  const version = rest.length === 2 ? rest[0] : undefined;
  return op(
    OP_ACTION[operation],
    `${c.vault.id}/keys/${name}`,
    async (b) => {
      const r = await c.keys.operate(c.vault, name, version, operation, b as KeyOperationInput);
      return { status: 200, body: keyResult(c.origin, name, r.version, r.value) };
    },
    true,
  );
}

function writeRoutes(c: Call, method: string, name: string, rest: string[]): VaultOperation | undefined {
  const { vault: v, origin, keys } = c;
  const scope = `${v.id}/keys/${name}`;
  const bundle = async (p: Promise<Parameters<typeof keyBundle>[1]>) => ({
    status: 200,
    body: keyBundle(origin, await p),
  });
  if (method === 'POST' && rest[0] === 'create' && rest.length === 1)
    return op('create/action', scope, (b) => bundle(keys.create(v, name, b as KeyInput)), true);
  if (method === 'PUT' && rest.length === 0)
    return op('import/action', scope, (b) => bundle(keys.import(v, name, b as KeyInput)), true);
  if (method === 'POST' && rest[0] === 'backup' && rest.length === 1)
    return op('backup/action', scope, async () => ({ status: 200, body: { value: await keys.backup(v, name) } }));
  if (method === 'POST' && rest[0] === 'rotate' && rest.length === 1)
    return op('rotate/action', scope, () => bundle(c.rotation.rotate(v, name)));
  if (method === 'PUT' && rest[0] === 'rotationpolicy' && rest.length === 1)
    return policyOp('write', scope, async (b) => ({
      status: 200,
      body: rotationPolicy(origin, name, await c.rotation.putPolicy(v, name, b)),
    }));
  if (method === 'PATCH' && rest.length <= 1)
    return op('update/action', scope, (b) => bundle(keys.update(v, name, rest[0], b as KeyInput)), true);
  if (method === 'DELETE' && rest.length === 0)
    return op('delete', scope, async () => {
      const { latest, deleted } = await keys.objects.delete(v, name);
      return { status: 200, body: deletedKey(origin, latest, deleted, false) };
    });
  if (method === 'POST') return cryptoRoute(c, name, rest);
  return undefined;
}

function readRoutes(c: Call, method: string, name: string, rest: string[]): VaultOperation | undefined {
  const { vault: v, origin, keys } = c;
  if (method !== 'GET') return undefined;
  const scope = `${v.id}/keys/${name}`;
  if (rest[0] === 'versions' && rest.length === 1)
    return op('read', scope, async () => ({
      status: 200,
      body: listPage((await keys.objects.versions(v, name)).map((r) => keyItem(origin, r, true))),
    }));
  if (rest[0] === 'rotationpolicy' && rest.length === 1)
    return policyOp('read', scope, async () => ({
      status: 200,
      body: rotationPolicy(origin, name, await c.rotation.getPolicy(v, name)),
    }));
  if (rest.length <= 1)
    return op('read', scope, async () => ({
      status: 200,
      body: keyBundle(origin, await keys.objects.get(v, name, rest[0])),
    }));
  return undefined;
}

function deletedRoutes(c: Call, method: string, name: string, rest: string[]): VaultOperation | undefined {
  const { vault: v, origin, keys } = c;
  const scope = `${v.id}/keys/${name}`;
  if (method === 'GET' && rest.length === 0)
    return op('read', scope, async () => {
      const { latest, deleted } = await keys.objects.getDeleted(v, name);
      return { status: 200, body: deletedKey(origin, latest, deleted, false) };
    });
  if (method === 'DELETE' && rest.length === 0)
    return op('purge/action', scope, async () => {
      await keys.objects.purge(v, name);
      await c.rotation.forget(v, name);
      return { status: 204 };
    });
  if (method === 'POST' && rest.length === 1 && rest[0] === 'recover')
    return op('recover/action', scope, async () => ({
      status: 200,
      body: keyBundle(origin, await keys.objects.recover(v, name)),
    }));
  return undefined;
}

/** Key Vault keys (https://learn.microsoft.com/rest/api/keyvault/keys); `segments` start at the collection. */
export function keyOperation(c: Call, method: string, segments: readonly string[]): VaultOperation | undefined {
  const [collection, name, ...raw] = segments;
  const rest = raw.filter((s) => s !== '');
  if (name === undefined || name === '') {
    if (method !== 'GET') return undefined;
    if (collection === 'keys')
      return op('read', c.vault.id, async () => ({
        status: 200,
        body: listPage((await c.keys.objects.list(c.vault)).map((r) => keyItem(c.origin, r, false))),
      }));
    return op('read', c.vault.id, async () => ({
      status: 200,
      body: listPage(
        (await c.keys.objects.listDeleted(c.vault)).map((d) => deletedKey(c.origin, d.latest, d.deleted, true)),
      ),
    }));
  }
  if (collection === 'deletedkeys') return deletedRoutes(c, method, name, rest);
  if (collection === 'keys' && name === 'restore' && method === 'POST' && rest.length === 0)
    return op(
      'restore/action',
      c.vault.id,
      async (b) => ({ status: 200, body: keyBundle(c.origin, await c.keys.restore(c.vault, b['value'])) }),
      true,
    );
  return readRoutes(c, method, name, rest) ?? writeRoutes(c, method, name, rest);
}
