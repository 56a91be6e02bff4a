/**
 * Unmodified @azure/keyvault-certificates CertificateClient, with the KeyClient and SecretClient
 * that read a certificate's key (kid) and secret (sid), DEFAULT options and
 * ManagedIdentityCredential, under `openmi run`. One JSON command per stdin line, one JSON answer
 * per line.
 */
import { createInterface } from 'node:readline';
import { ManagedIdentityCredential } from '@azure/identity';
import { CertificateClient, type CertificatePolicy, type KeyVaultCertificate } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';

const credential = new ManagedIdentityCredential();
const client = new CertificateClient(process.argv[2]!, credential);
const keys = new KeyClient(process.argv[2]!, credential);
const secrets = new SecretClient(process.argv[2]!, credential);

type Cmd = {
  op: string;
  name?: string;
  version?: string;
  policy?: CertificatePolicy;
  tags?: Record<string, string>;
  /** importCert: the file's bytes in base64, its password, and whether it is PEM. */
  file?: string;
  password?: string;
  pem?: boolean;
  /** merge: base64 DER of the signed certificate and its chain. */
  x5c?: string[];
};

const summary = (c: KeyVaultCertificate) => ({
  name: c.name,
  version: c.properties.version,
  keyId: c.keyId,
  secretId: c.secretId,
  cer: Buffer.from(c.cer ?? []).toString('base64'),
  tags: c.properties.tags,
});

const POLL = { intervalInMs: 50 };
const ops: Record<string, (c: Cmd) => Promise<unknown>> = {
  create: async (c) => {
    const poller = await client.beginCreateCertificate(c.name!, c.policy!, POLL);
    const done = await poller.pollUntilDone();
    return {
      ...summary(done),
      status: (await client.getCertificateOperation(c.name!)).getOperationState().certificateOperation?.status,
    };
  },
  importCert: async (c) => {
    const bytes = Buffer.from(c.file!, 'base64');
    const cert = await client.importCertificate(c.name!, bytes, {
      ...(c.password === undefined ? {} : { password: c.password }),
      ...(c.pem ? { policy: { contentType: 'application/x-pem-file' as const, issuerName: 'Unknown' } } : {}),
    });
    return { ...summary(cert), enabled: cert.properties.enabled, issuer: cert.policy?.issuerName };
  },
  beginUnknown: async (c) => {
    await client.beginCreateCertificate(c.name!, c.policy!, POLL);
    const op = (await client.getCertificateOperation(c.name!)).getOperationState().certificateOperation;
    return { status: op?.status, csr: Buffer.from(op?.csr ?? []).toString('base64') };
  },
  merge: async (c) => {
    const cert = await client.mergeCertificate(
      c.name!,
      (c.x5c ?? []).map((b) => Buffer.from(b, 'base64')),
    );
    return { ...summary(cert), enabled: cert.properties.enabled };
  },
  get: async (c) =>
    summary(c.version ? await client.getCertificateVersion(c.name!, c.version) : await client.getCertificate(c.name!)),
  operation: async (c) =>
    (await client.getCertificateOperation(c.name!)).getOperationState().certificateOperation?.status,
  list: async () => {
    const names: string[] = [];
    for await (const p of client.listPropertiesOfCertificates()) names.push(p.name!);
    return names;
  },
  versions: async (c) => {
    const v: string[] = [];
    for await (const p of client.listPropertiesOfCertificateVersions(c.name!)) v.push(p.version!);
    return v.sort();
  },
  policy: async (c) => await client.getCertificatePolicy(c.name!),
  updatePolicy: async (c) => (await client.updateCertificatePolicy(c.name!, c.policy!), 'updated'),
  update: async (c) =>
    (await client.updateCertificateProperties(c.name!, c.version!, { tags: c.tags ?? {} })).properties.tags,
  secret: async (c) => {
    const s = await secrets.getSecret(c.name!, c.version ? { version: c.version } : {});
    return { value: s.value, contentType: s.properties.contentType };
  },
  key: async (c) => {
    const k = await keys.getKey(c.name!, c.version ? { version: c.version } : {});
    return {
      kty: k.keyType,
      n: Buffer.from(k.key?.n ?? []).toString('base64url'),
      x: Buffer.from(k.key?.x ?? []).toString('base64url'),
    };
  },
  delete: async (c) => (await (await client.beginDeleteCertificate(c.name!, POLL)).pollUntilDone()).recoveryId,
  getDeleted: async (c) => (await client.getDeletedCertificate(c.name!)).name,
  recover: async (c) => (await (await client.beginRecoverDeletedCertificate(c.name!, POLL)).pollUntilDone()).name,
  purge: async (c) => (await client.purgeDeletedCertificate(c.name!), 'purged'),
};

for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as Cmd;
  let answer: unknown;
  try {
    answer = { ok: true, result: await ops[cmd.op]!(cmd) };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string };
    answer = { ok: false, statusCode: err.statusCode, code: err.code, message: err.message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
