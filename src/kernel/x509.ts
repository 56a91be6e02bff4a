// Order matters: tsyringe (under @peculiar/x509) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

/**
 * The one place that loads @peculiar/x509: it sets the crypto provider to Node's webcrypto and
 * guarantees the Reflect polyfill loaded first. The server's PKI and the gate (which asks the
 * server for its TLS certificate with a CSR) import `x509` from here, never from the package.
 */
x509.cryptoProvider.set(webcrypto);

export { x509 };
