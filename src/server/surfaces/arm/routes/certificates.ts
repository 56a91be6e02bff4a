import type { LeafCertificateService } from '../../../pki/certificate-service.js';
import { ISSUE_CERTIFICATE_ACTION } from '../../../pki/certificate-service.js';
import {
  ISSUE_CERTIFICATE_API_VERSION,
  ISSUE_CERTIFICATE_PATH,
  type IssueCertificateResponse,
} from '../../../../wire/pki.js';
import { ArmError } from '../arm-errors.js';
import { actorOf, bodyObject, type ArmRoute } from '../router.js';

const EXAMPLE = '{"csr": "-----BEGIN CERTIFICATE REQUEST-----…", "validityDays": 30}';

/**
 * `POST /providers/OpenMI.Pki/certificates/issue`: a TLS server leaf from the installation CA.
 * Authorized at the tenant root (Owner there, i.e. the admin): a leaf the CA signs is trusted for
 * its names by every client of the installation, whatever resource it serves, so no narrower scope
 * may grant it (docs/wire/arm.md#certificates-from-the-ca).
 */
export function certificateRoutes(certs: LeafCertificateService): ArmRoute[] {
  return [
    {
      resourceType: 'OpenMI.Pki/certificates',
      apiVersions: [ISSUE_CERTIFICATE_API_VERSION],
      pattern: ISSUE_CERTIFICATE_PATH,
      methods: {
        POST: {
          action: ISSUE_CERTIFICATE_ACTION,
          handle: async (call) => {
            const b = bodyObject(call, EXAMPLE);
            if (typeof b['csr'] !== 'string')
              throw new ArmError('InvalidRequestContent', `csr must be a PEM string, e.g. ${EXAMPLE}.`, 'csr');
            const days = b['validityDays'];
            if (days !== undefined && typeof days !== 'number')
              throw new ArmError('InvalidRequestContent', 'validityDays must be a number of days.', 'validityDays');
            const leaf = await certs.issue(actorOf(call), { csrPem: b['csr'], validityDays: days });
            const body: IssueCertificateResponse = {
              certificate: leaf.certPem,
              caCertificate: certs.caCertPem,
              serialNumber: leaf.serialNumber,
              notBefore: leaf.notBefore.toISOString(),
              notAfter: leaf.notAfter.toISOString(),
              dnsNames: leaf.dnsNames,
              ipAddresses: leaf.ipAddresses,
            };
            return { status: 200, body };
          },
        },
      },
    },
  ];
}
