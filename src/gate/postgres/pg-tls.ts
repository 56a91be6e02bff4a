import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type { ArmClient } from '../../client/arm-client.js';
import type { Clock } from '../../kernel/clock.js';
import { x509 } from '../../kernel/x509.js';
import {
  ISSUE_CERTIFICATE_API_VERSION,
  ISSUE_CERTIFICATE_PATH,
  type IssueCertificateRequest,
  type IssueCertificateResponse,
} from '../../wire/pki.js';

export interface TlsNames {
  dnsNames: string[];
  ipAddresses: string[];
}

export interface TlsPair {
  key: Buffer;
  cert: Buffer;
}

/**
 * The names the gate's certificate carries: the listen host (a name or an address) and the
 * `--tls-name` extras. A wildcard listen address (0.0.0.0, ::) names no host: then localhost and
 * the loopback addresses, and remote clients need their name given with --tls-name.
 */
export function tlsNamesFor(listenHost: string, extra: readonly string[]): TlsNames {
  const names: TlsNames = { dnsNames: [], ipAddresses: [] };
  const add = (n: string) => (isIP(n) ? names.ipAddresses : names.dnsNames).push(n.toLowerCase());
  if (listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '') {
    ['localhost', '127.0.0.1', '::1'].forEach(add);
  } else add(listenHost);
  extra.forEach(add);
  return { dnsNames: [...new Set(names.dnsNames)], ipAddresses: [...new Set(names.ipAddresses)] };
}

/** A fresh ECDSA P-256 key (it never leaves this process) and a CSR for `names` signed with it. */
export async function newKeyAndCsr(names: TlsNames): Promise<{ keyPem: string; csrPem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=openmi gate',
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...names.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), csrPem: csr.toString('pem') };
}

export interface RenewingCertificateOptions {
  client: Pick<ArmClient, 'request'>;
  names: TlsNames;
  clock: Clock;
  onError: (e: unknown) => void;
  /** How often to look whether renewal is due (default 1 h); the clock decides whether it is. */
  checkEveryMs?: number;
}

/**
 * The gate's TLS certificate from the installation CA (POST /providers/OpenMI.Pki/certificates/issue),
 * renewed with a new key once two thirds of its lifetime have passed, so a failing server has a
 * third of the lifetime (10 days by default) to come back before clients see an expired leaf.
 */
export class RenewingCertificate {
  private pair: TlsPair | undefined;
  private renewAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(private readonly o: RenewingCertificateOptions) {}

  /** The pair to serve now (pg-gateway asks on each TLS handshake, so a renewal takes effect at once). */
  current(): TlsPair {
    if (!this.pair) throw new Error('RenewingCertificate.start() has not completed');
    return this.pair;
  }

  /** Obtains the first certificate (failing loudly: a gate without TLS cannot admit anyone) and starts checking. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void this.renewIfDue(), this.o.checkEveryMs ?? 3_600_000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Renews when due; a failure keeps the current pair and is retried at the next check. */
  async renewIfDue(): Promise<boolean> {
    if (this.o.clock.now() < this.renewAt) return false;
    this.renewing ??= this.renew()
      .catch((e: unknown) => this.o.onError(new Error(`renewing the TLS certificate failed: ${(e as Error).message}`)))
      .finally(() => (this.renewing = undefined));
    await this.renewing;
    return true;
  }

  private async renew(): Promise<void> {
    const { keyPem, csrPem } = await newKeyAndCsr(this.o.names);
    const body: IssueCertificateRequest = { csr: csrPem };
    const r = await this.o.client.request<IssueCertificateResponse>(
      'POST',
      `${ISSUE_CERTIFICATE_PATH}?api-version=${ISSUE_CERTIFICATE_API_VERSION}`,
      body,
    );
    const notBefore = Date.parse(r.notBefore);
    const notAfter = Date.parse(r.notAfter);
    // notBefore is backdated an hour by the CA; count the lifetime from now to stay on the safe side.
    const start = Math.max(notBefore, Math.min(this.o.clock.now(), notAfter));
    this.pair = { key: Buffer.from(keyPem), cert: Buffer.from(r.certificate) };
    this.renewAt = start + Math.floor(((notAfter - start) * 2) / 3);
  }
}
