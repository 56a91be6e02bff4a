/**
 * `POST /providers/OpenMI.Pki/certificates/issue`: the installation's CA signs a TLS server
 * certificate for a CSR (docs/wire/arm.md#certificates-from-the-ca). `openmi gate postgres` uses it
 * to serve TLS that clients trusting ca.pem verify, without a certificate of the user's own.
 */
export const ISSUE_CERTIFICATE_PATH = '/providers/OpenMI.Pki/certificates/issue';
export const ISSUE_CERTIFICATE_API_VERSION = '2025-01-01';

export interface IssueCertificateRequest {
  /** PEM PKCS#10 request; its subjectAltName extension names the DNS names and IP addresses. */
  csr: string;
  /** 1 to 90; default 30. */
  validityDays?: number;
}

export interface IssueCertificateResponse {
  /** PEM leaf certificate. */
  certificate: string;
  /** PEM CA certificate (the same as the data dir's ca.pem). */
  caCertificate: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
  ipAddresses: string[];
}
