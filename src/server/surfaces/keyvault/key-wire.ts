import type { DeletedVaultObject } from '../../../store/key-vault.js';
import type { ObjectAttributes } from '../../key-vaults/objects.js';
import type { KeyVersion } from '../../key-vaults/keys.js';
import type { PolicyView } from '../../key-vaults/key-rotation.js';
import { RECOVERABLE_DAYS } from '../../key-vaults/soft-delete.js';

/** Times on the wire are integer Unix seconds (docs/wire/key-vault.md). */
const secs = (ms: number): number => Math.floor(ms / 1000);

/** The attributes object of keys and certificates (https://learn.microsoft.com/rest/api/keyvault/keys/get-key/get-key). */
export function objectAttributes(d: ObjectAttributes, createdAt: number, extra: Record<string, unknown> = {}) {
  return {
    enabled: d.enabled,
    ...(d.notBefore !== null ? { nbf: secs(d.notBefore) } : {}),
    ...(d.expires !== null ? { exp: secs(d.expires) } : {}),
    created: secs(createdAt),
    updated: secs(d.updatedAt),
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: RECOVERABLE_DAYS,
    ...extra,
  };
}

export const deletedParts = (origin: string, collection: string, d: DeletedVaultObject) => ({
  recoveryId: `${origin}/${collection}/${d.name}`,
  deletedDate: secs(d.deletedAt),
  scheduledPurgeDate: secs(d.scheduledPurgeAt),
});

const kidOf = (origin: string, r: KeyVersion, withVersion = true): string =>
  `${origin}/keys/${r.name}${withVersion ? `/${r.version}` : ''}`;

const common = (r: KeyVersion) => ({
  attributes: objectAttributes(r.doc, r.createdAt, { exportable: false }),
  ...(Object.keys(r.doc.tags).length ? { tags: r.doc.tags } : {}),
  ...(r.doc.managed ? { managed: true } : {}),
});

/** A KeyBundle: the public JWK only; the private members never leave the service. */
export function keyBundle(origin: string, r: KeyVersion) {
  return { key: { kid: kidOf(origin, r), key_ops: r.doc.keyOps, ...r.doc.jwk, kty: r.doc.kty }, ...common(r) };
}

export function keyItem(origin: string, r: KeyVersion, withVersion: boolean) {
  return { kid: kidOf(origin, r, withVersion), ...common(r) };
}

export function deletedKey(origin: string, r: KeyVersion, d: DeletedVaultObject, asItem: boolean) {
  return { ...(asItem ? keyItem(origin, r, false) : keyBundle(origin, r)), ...deletedParts(origin, 'deletedkeys', d) };
}

export const keyResult = (origin: string, name: string, version: string, value: string | boolean) =>
  typeof value === 'boolean' ? { value } : { kid: `${origin}/keys/${name}/${version}`, value };

/** A key's rotation policy (https://learn.microsoft.com/rest/api/keyvault/keys/get-key-rotation-policy). */
export function rotationPolicy(origin: string, name: string, p: PolicyView) {
  return {
    id: `${origin}/keys/${name}/rotationpolicy`,
    lifetimeActions: p.lifetimeActions,
    attributes: {
      ...p.attributes,
      ...(p.createdAt === undefined ? {} : { created: secs(p.createdAt) }),
      ...(p.updatedAt === undefined ? {} : { updated: secs(p.updatedAt) }),
    },
  };
}
