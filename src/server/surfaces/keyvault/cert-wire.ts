import type { DeletedVaultObject } from '../../../store/key-vault.js';
import type { CertVersion } from '../../key-vaults/certificates.js';
import { deletedParts, objectAttributes } from './key-wire.js';

const secs = (ms: number): number => Math.floor(ms / 1000);

/** The policy with its id and attributes (https://learn.microsoft.com/rest/api/keyvault/certificates/get-certificate-policy). */
export function policyWire(origin: string, r: CertVersion) {
  return {
    id: `${origin}/certificates/${r.name}/policy`,
    ...r.doc.policy,
    attributes: { enabled: true, created: secs(r.createdAt), updated: secs(r.doc.updatedAt) },
  };
}

const common = (r: CertVersion) => ({
  x5t: r.doc.x5t,
  attributes: objectAttributes(r.doc, r.createdAt),
  ...(Object.keys(r.doc.tags).length ? { tags: r.doc.tags } : {}),
});

/** A CertificateBundle: the certificate, and the ids of the key and secret that share its name and version. */
export function certBundle(origin: string, r: CertVersion) {
  return {
    id: `${origin}/certificates/${r.name}/${r.version}`,
    kid: `${origin}/keys/${r.name}/${r.version}`,
    sid: `${origin}/secrets/${r.name}/${r.version}`,
    cer: r.doc.cer,
    contentType: r.doc.policy.secret_props.contentType,
    policy: policyWire(origin, r),
    ...common(r),
  };
}

export function certItem(origin: string, r: CertVersion, withVersion: boolean) {
  return { id: `${origin}/certificates/${r.name}${withVersion ? `/${r.version}` : ''}`, ...common(r) };
}

export function deletedCert(origin: string, r: CertVersion, d: DeletedVaultObject, asItem: boolean) {
  return {
    ...(asItem ? certItem(origin, r, false) : certBundle(origin, r)),
    ...deletedParts(origin, 'deletedcertificates', d),
  };
}

/** The pending operation, complete: openmi issues while the create request waits. */
export function certOperation(origin: string, r: CertVersion) {
  return {
    id: `${origin}/certificates/${r.name}/pending`,
    issuer: { name: r.doc.policy.issuer.name },
    cancellation_requested: false,
    // Issuer `Unknown` waits for merge with its CSR; every other issuer has finished by now.
    ...(r.doc.csr === undefined
      ? { status: 'completed' }
      : { status: 'inProgress', status_details: 'Pending certificate created. Please merge it.', csr: r.doc.csr }),
    target: `${origin}/certificates/${r.name}`,
    request_id: r.version,
  };
}
