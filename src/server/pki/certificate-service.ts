import type { Random } from '../../kernel/ids.js';
import type { Actor } from '../audit/changes.js';
import { changeInTransaction, type ChangeSink } from '../audit/changes-batch.js';
import type { IssuingCa } from './ca.js';
import { issueLeafForCsr, type IssuedLeaf, type LeafRequest } from './leaf-requests.js';

const TYPE = 'OpenMI.Pki/certificates';
/** The tenant-wide collection the CA's issuances are logged under (the CA's trust is installation-wide). */
export const CERTIFICATES_PATH = `/providers/${TYPE}`;
export const ISSUE_CERTIFICATE_ACTION = `${TYPE}/issue/action`;

/**
 * TLS leaves from the installation CA for callers the ARM surface authorized. Each issuance is an
 * activity row (who, which names, which key, until when): a certificate every client of the
 * installation trusts is a control-plane event (docs/audit.md).
 */
export class LeafCertificateService {
  constructor(
    private readonly ca: IssuingCa,
    private readonly sink: ChangeSink,
    private readonly random: Random,
  ) {}

  get caCertPem(): string {
    return this.ca.cert.toString('pem');
  }

  async issue(actor: Actor, req: LeafRequest): Promise<IssuedLeaf> {
    const leaf = await issueLeafForCsr(this.ca, req, this.sink.clock, this.random);
    await changeInTransaction(this.sink, actor, async (_tx, batch) =>
      batch.add(ISSUE_CERTIFICATE_ACTION, CERTIFICATES_PATH, {
        serialNumber: leaf.serialNumber,
        dnsNames: leaf.dnsNames,
        ipAddresses: leaf.ipAddresses,
        notAfter: leaf.notAfter.toISOString(),
        publicKeySha256: leaf.publicKeySha256,
      }),
    );
    return leaf;
  }
}
