import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { unseal } from '../../src/kernel/sealing.js';
import { httpsRequest } from './https.js';
import { loadOrCreateMasterKey } from '../../src/kernel/sealing.js';

export const DOCKER_REGISTRY = '/usr/bin/docker-registry';
export const SKOPEO = '/usr/bin/skopeo';

/**
 * The Distribution 2.8 configuration that makes openmi its token issuer (docs/registries.md):
 * the realm is openmi's /acr/{name}/oauth2/token, the issuer openmi's URL, the root bundle
 * openmi's registry-signing.pem (never ca.pem: the CA's leaves must not sign tokens), and TLS a
 * certificate from openmi's CA.
 */
export function registryConfig(o: {
  port: number;
  dataDir: string;
  openmiUrl: string;
  registryName: string;
  service: string;
  rootCertBundle: string;
  certPath: string;
  keyPath: string;
}): string {
  return `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${o.dataDir}
http:
  addr: 127.0.0.1:${o.port}
  tls:
    certificate: ${o.certPath}
    key: ${o.keyPath}
auth:
  token:
    realm: ${o.openmiUrl}/acr/${o.registryName}/oauth2/token
    service: ${o.service}
    issuer: ${o.openmiUrl}
    rootcertbundle: ${o.rootCertBundle}
`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** Starts docker-registry with openmi's server certificate (issued by openmi's CA) for TLS. */
export async function startRegistry(
  openmiDataDir: string,
  openmiUrl: string,
  registryName: string,
  dir: string,
): Promise<{ port: number; child: ChildProcess; stop(): void }> {
  const port = await freePort();
  const keyPem = unseal(
    loadOrCreateMasterKey(join(openmiDataDir, 'master.key')),
    readFileSync(join(openmiDataDir, 'server-key.sealed'), 'utf8').trim(),
    'openmi-server-key',
  );
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'tls.key'), keyPem, { mode: 0o600 });
  const config = registryConfig({
    port,
    dataDir: join(dir, 'data'),
    openmiUrl,
    registryName,
    service: `127.0.0.1:${port}`,
    rootCertBundle: join(openmiDataDir, 'registry-signing.pem'),
    certPath: join(openmiDataDir, 'server.pem'),
    keyPath: join(dir, 'tls.key'),
  });
  writeFileSync(join(dir, 'config.yml'), config);
  const child = spawn(DOCKER_REGISTRY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = createServer().listen(port, '127.0.0.1', () => c.close(() => r(false)));
      c.on('error', () => r(true));
    });
    if (ok) return { port, child, stop: () => child.kill() };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`docker-registry did not start: ${log}`);
}

/** A one-layer OCI image layout written by hand (no network): an empty tar layer and an empty config. */
export function writeOciLayout(dir: string): void {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer): { digest: string; size: number } => {
    const hex = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const layer = put(Buffer.alloc(1024)); // an empty tar archive: two zero blocks
  const config = put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
        config: {},
      }),
    ),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    }),
  );
}

/** Runs skopeo asynchronously: the openmi server under test shares this process's event loop. */
export function skopeo(args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(SKOPEO, args, { timeout: 120_000 }, (_err, stdout, stderr) =>
      resolve({ status: child.exitCode, out: `${stdout}${stderr}` }),
    );
  });
}

/** A certificate of openmi's data dir with its key unsealed (`base`.pem and `base`-key.sealed). */
export function openmiPair(dataDir: string, base: string, aad: string): { certPem: string; keyPem: string } {
  const masterKey = loadOrCreateMasterKey(join(dataDir, 'master.key'));
  const sealed = readFileSync(join(dataDir, `${base}-key.sealed`), 'utf8').trim();
  return {
    certPem: readFileSync(join(dataDir, `${base}.pem`), 'utf8'),
    keyPem: unseal(masterKey, sealed, aad).toString(),
  };
}

/**
 * Asks the registry to start a blob upload to `repo` (a push) with `token` as the bearer: 202
 * when it accepts the token's `push`, 401 when it refuses the token.
 */
export function startUpload(
  port: number,
  repo: string,
  token: string,
  ca: string,
): Promise<{ status: number; text: string }> {
  return httpsRequest(`https://127.0.0.1:${port}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    ca,
    headers: { authorization: `Bearer ${token}` },
    freshConnection: true,
  });
}
