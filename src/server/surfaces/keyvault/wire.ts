import type { DeletedSecretRecord, SecretVersionRecord } from '../../../store/key-vault.js';
import { RECOVERABLE_DAYS } from '../../key-vaults/soft-delete.js';

/** Times on the wire are integer Unix seconds (docs/wire/key-vault.md). */
const secs = (ms: number): number => Math.floor(ms / 1000);

function attributes(r: SecretVersionRecord) {
  return {
    enabled: r.enabled,
    ...(r.notBefore !== null ? { nbf: secs(r.notBefore) } : {}),
    ...(r.expires !== null ? { exp: secs(r.expires) } : {}),
    created: secs(r.createdAt),
    updated: secs(r.updatedAt),
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: RECOVERABLE_DAYS,
  };
}

const common = (r: SecretVersionRecord) => ({
  ...(r.contentType !== null ? { contentType: r.contentType } : {}),
  ...(Object.keys(r.tags).length ? { tags: r.tags } : {}),
  attributes: attributes(r),
});

/** `origin` is `https://host[:port]`: the SDK derives the vault URL from every returned id. */
export function secretBundle(origin: string, r: SecretVersionRecord, value?: string) {
  return { ...(value !== undefined ? { value } : {}), id: `${origin}/secrets/${r.name}/${r.version}`, ...common(r) };
}

/** Listing items: the id of the secret (no version), or of the version when listing versions. */
export function secretItem(origin: string, r: SecretVersionRecord, withVersion: boolean) {
  return { id: `${origin}/secrets/${r.name}${withVersion ? `/${r.version}` : ''}`, ...common(r) };
}

export function deletedSecret(origin: string, r: SecretVersionRecord, d: DeletedSecretRecord, asItem: boolean) {
  const base = asItem ? secretItem(origin, r, false) : secretBundle(origin, r);
  return {
    ...base,
    recoveryId: `${origin}/deletedsecrets/${d.name}`,
    deletedDate: secs(d.deletedAt),
    scheduledPurgeDate: secs(d.scheduledPurgeAt),
  };
}
