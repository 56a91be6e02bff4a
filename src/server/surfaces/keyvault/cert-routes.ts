import type { ImportInput } from '../../key-vaults/cert-import.js';
import type { CertInput, CertVersion } from '../../key-vaults/certificates.js';
import { certBundle, certItem, certOperation, deletedCert, policyWire } from './cert-wire.js';
import { listPage, vaultOp, type Call, type VaultOperation } from './operation.js';

const op = vaultOp('certificates');

function policyRoutes(c: Call, method: string, name: string): VaultOperation | undefined {
  const { vault: v, origin, certificates } = c;
  const scope = `${v.id}/certificates/${name}`;
  if (method === 'GET')
    return op('read', scope, async () => ({
      status: 200,
      body: policyWire(origin, await certificates.objects.get(v, name)),
    }));
  if (method === 'PATCH')
    return op(
      'update/action',
      scope,
      async (b) => {
        await certificates.updatePolicy(v, name, b);
        return { status: 200, body: policyWire(origin, await certificates.objects.get(v, name)) };
      },
      true,
    );
  return undefined;
}

function certRoutes(c: Call, method: string, name: string, rest: string[]): VaultOperation | undefined {
  const { vault: v, origin, certificates } = c;
  const scope = `${v.id}/certificates/${name}`;
  const bundle = async (p: Promise<CertVersion>) => ({ status: 200, body: certBundle(origin, await p) });
  if (rest[0] === 'policy' && rest.length === 1) return policyRoutes(c, method, name);
  if (method === 'POST' && rest[0] === 'create' && rest.length === 1)
    return op(
      'create/action',
      scope,
      async (b) => ({ status: 202, body: certOperation(origin, await certificates.create(v, name, b as CertInput)) }),
      true,
    );
  if (method === 'POST' && rest[0] === 'import' && rest.length === 1)
    return op('import/action', scope, (b) => bundle(certificates.import(v, name, b as CertInput & ImportInput)), true);
  if (method === 'POST' && rest[0] === 'pending' && rest[1] === 'merge' && rest.length === 2)
    return op(
      'create/action',
      scope,
      async (b) => ({ status: 201, body: certBundle(origin, await certificates.merge(v, name, b)) }),
      true,
    );
  if (method === 'GET' && rest[0] === 'pending' && rest.length === 1)
    return op('read', scope, async () => ({
      status: 200,
      body: certOperation(origin, await certificates.objects.get(v, name)),
    }));
  if (method === 'GET' && rest[0] === 'versions' && rest.length === 1)
    return op('read', scope, async () => ({
      status: 200,
      body: listPage((await certificates.objects.versions(v, name)).map((r) => certItem(origin, r, true))),
    }));
  if (method === 'GET' && rest.length <= 1)
    return op('read', scope, () => bundle(certificates.objects.get(v, name, rest[0])));
  if (method === 'PATCH' && rest.length <= 1)
    return op('update/action', scope, (b) => bundle(certificates.update(v, name, rest[0], b as CertInput)), true);
  if (method === 'DELETE' && rest.length === 0)
    return op('delete', scope, async () => {
      const { latest, deleted } = await certificates.delete(v, name);
      return { status: 200, body: deletedCert(origin, latest, deleted, false) };
    });
  return undefined;
}

function deletedRoutes(c: Call, method: string, name: string, rest: string[]): VaultOperation | undefined {
  const { vault: v, origin, certificates } = c;
  const scope = `${v.id}/certificates/${name}`;
  if (method === 'GET' && rest.length === 0)
    return op('read', scope, async () => {
      const { latest, deleted } = await certificates.objects.getDeleted(v, name);
      return { status: 200, body: deletedCert(origin, latest, deleted, false) };
    });
  if (method === 'DELETE' && rest.length === 0)
    return op('purge/action', scope, async () => (await certificates.purge(v, name), { status: 204 }));
  if (method === 'POST' && rest.length === 1 && rest[0] === 'recover')
    return op('recover/action', scope, async () => ({
      status: 200,
      body: certBundle(origin, await certificates.recover(v, name)),
    }));
  return undefined;
}

/** Key Vault certificates (https://learn.microsoft.com/rest/api/keyvault/certificates); `segments` start at the collection. */
export function certificateOperation(c: Call, method: string, segments: readonly string[]): VaultOperation | undefined {
  const [collection, name, ...raw] = segments;
  const rest = raw.filter((s) => s !== '');
  if (name === undefined || name === '') {
    if (method !== 'GET') return undefined;
    if (collection === 'certificates')
      return op('read', c.vault.id, async () => ({
        status: 200,
        body: listPage((await c.certificates.objects.list(c.vault)).map((r) => certItem(c.origin, r, false))),
      }));
    return op('read', c.vault.id, async () => ({
      status: 200,
      body: listPage(
        (await c.certificates.objects.listDeleted(c.vault)).map((d) =>
          deletedCert(c.origin, d.latest, d.deleted, true),
        ),
      ),
    }));
  }
  if (collection === 'deletedcertificates') return deletedRoutes(c, method, name, rest);
  return certRoutes(c, method, name, rest);
}
