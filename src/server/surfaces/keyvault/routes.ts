import { KeyVaultError } from '../../key-vaults/errors.js';
import type { SecretInput } from '../../key-vaults/secrets.js';
import { certificateOperation } from './cert-routes.js';
import { keyOperation } from './key-routes.js';
import { listPage, vaultOp, type Call, type VaultOperation } from './operation.js';
import { deletedSecret, secretBundle, secretItem } from './wire.js';

const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const op = vaultOp('secrets');

function secretRoutes(c: Call, method: string, name: string, rest: string[]): VaultOperation | undefined {
  const { vault: v, origin, secrets } = c;
  const scope = `${v.id}/secrets/${name}`;
  const version = rest[0];
  if (method === 'PUT' && rest.length === 0)
    return op(
      'setSecret/action',
      scope,
      async (b) => ({ status: 200, body: secretBundle(origin, await secrets.set(v, name, b as SecretInput)) }),
      true,
    );
  if (method === 'GET' && version === 'versions' && rest.length === 1) {
    return op('readMetadata/action', scope, async () => ({
      status: 200,
      body: listPage((await secrets.versions(v, name)).map((r) => secretItem(origin, r, true))),
    }));
  }
  if (method === 'GET' && rest.length <= 1) {
    return op('getSecret/action', scope, async () => {
      const r = await secrets.get(v, name, version);
      return { status: 200, body: secretBundle(origin, r, secrets.valueOf(r)) };
    });
  }
  if (method === 'PATCH' && rest.length <= 1)
    return op(
      'update/action',
      scope,
      async (b) => ({
        status: 200,
        body: secretBundle(origin, await secrets.update(v, name, version, b as SecretInput)),
      }),
      true,
    );
  if (method === 'DELETE' && rest.length === 0) {
    return op('delete', scope, async () => {
      const { latest, deleted } = await secrets.delete(v, name);
      return { status: 200, body: deletedSecret(origin, latest, deleted, false) };
    });
  }
  return undefined;
}

function deletedRoutes(c: Call, method: string, name: string, rest: string[]): VaultOperation | undefined {
  const { vault: v, origin, secrets } = c;
  const scope = `${v.id}/secrets/${name}`;
  if (method === 'GET' && rest.length === 0) {
    return op('readMetadata/action', scope, async () => {
      const { latest, deleted } = await secrets.getDeleted(v, name);
      return { status: 200, body: deletedSecret(origin, latest, deleted, false) };
    });
  }
  if (method === 'DELETE' && rest.length === 0)
    return op('purge/action', scope, async () => (await secrets.purge(v, name), { status: 204 }));
  if (method === 'POST' && rest.length === 1 && rest[0] === 'recover') {
    return op('recover/action', scope, async () => ({
      status: 200,
      body: secretBundle(origin, await secrets.recover(v, name)),
    }));
  }
  return undefined;
}

/** Maps method + path (relative to the vault origin) to an operation, or throws 400/405 like Key Vault. */
export function vaultOperation(c: Call, method: string, segments: readonly string[]): VaultOperation {
  const [collection, name, ...rest] = segments;
  if (name !== undefined && name !== '' && !OBJECT_NAME.test(name))
    throw new KeyVaultError('BadParameter', `The name '${name}' is invalid: use 1-127 letters, digits and dashes.`);
  let found: VaultOperation | undefined;
  if (collection === 'keys' || collection === 'deletedkeys') {
    found = keyOperation(c, method, segments);
  } else if (collection === 'certificates' || collection === 'deletedcertificates') {
    found = certificateOperation(c, method, segments);
  } else if (collection === 'secrets' && name === undefined && method === 'GET') {
    found = op('readMetadata/action', c.vault.id, async () => ({
      status: 200,
      body: listPage((await c.secrets.list(c.vault)).map((r) => secretItem(c.origin, r, false))),
    }));
  } else if (collection === 'deletedsecrets' && name === undefined && method === 'GET') {
    found = op('readMetadata/action', c.vault.id, async () => ({
      status: 200,
      body: listPage(
        (await c.secrets.listDeleted(c.vault)).map((d) => deletedSecret(c.origin, d.latest, d.deleted, true)),
      ),
    }));
  } else if (collection === 'secrets' && name) {
    found = secretRoutes(c, method, name, rest);
  } else if (collection === 'deletedsecrets' && name) {
    found = deletedRoutes(c, method, name, rest);
  }
  if (!found)
    throw new KeyVaultError(
      'BadParameter',
      `The operation ${method} /${segments.join('/')} is not supported by this vault.`,
    );
  return found;
}
