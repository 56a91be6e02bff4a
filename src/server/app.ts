import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:https';
import type { Config } from '../config/schema.js';
import { listenBaseUrl, publicBaseUrl } from '../config/load.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import { systemRandom, type Random } from '../kernel/ids.js';
import { createLogger, type Logger } from '../kernel/log.js';
import { lockDataDir } from '../kernel/data-dir.js';
import { tightenPrivateDir, writePrivateFile } from '../kernel/private-files.js';
import { loadMasterKeyFile, loadOrCreateMasterKey, masterKeyFromBase64 } from '../kernel/sealing.js';
import type { Surface } from '../kernel/http/context.js';
import { createListener } from '../kernel/http/server.js';
import { loadOrCreatePki } from './pki/pki.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { ensureInstallation, type Installation } from './directory/bootstrap.js';
import { KeyRing } from './tokens/key-ring.js';
import { SigningPool } from './tokens/jwt/signing-pool.js';
import { KEY_MAINTENANCE_INTERVAL_MS, KeyMaintenance } from './tokens/rotation.js';
import { KEY_ROTATION_INTERVAL_MS, KeyAutoRotation, KeyRotation } from './key-vaults/key-rotation.js';
import { KeyService } from './key-vaults/keys.js';
import { buildSurfaces } from './surfaces.js';
import { Metrics } from './surfaces/ops/metrics.js';
import { AuditLogs } from './audit/audit-logs.js';
import { housekeepingLeader } from './housekeeping-leader.js';
import type { GuardedFetchOptions } from './tokens/federation/https-json.js';
import { AZURE_CERTIFICATE_NAMES } from '../wire/azure-hosts.js';

export interface AppOptions {
  clock?: Clock;
  random?: Random;
  log?: Logger;
  /** Trust anchors and bounds of OpenID discovery fetches; tests use a local CA and short timeouts. */
  federationFetch?: Omit<GuardedFetchOptions, 'policy'> | undefined;
}

export interface RunningServer {
  readonly baseUrl: string;
  readonly port: number;
  readonly installation: Installation;
  readonly caCertPath: string;
  readonly credentialsPath: string;
  readonly store: Store;
  /** The wire surfaces, in dispatch order (tests read the ARM route table from them). */
  readonly surfaces: readonly Surface[];
  close(): Promise<void>;
}

/** Meta key of the installation's CA (certificate and sealed key, JSON). */
const CA_META_KEY = 'installationCa';
const REGISTRY_SIGNING_META_KEY = 'registrySigning';

export const credentialsPathOf = (dataDir: string) => join(dataDir, 'admin-credentials.json');
/** Written on every start so `openmi env` and `openmi run` find a server started with other flags. */
export const endpointPathOf = (dataDir: string) => join(dataDir, 'endpoint.json');

/**
 * Host names the server certificate covers: loopback, the public host, the data-plane wildcards,
 * and Azure's own names openmi answers on, so clients that trust openmi's CA and reach it under
 * those names (`openmi run`, a platform's DNS zone: docs/clients.md#transparent-mode) verify it.
 */
function certificateNames(cfg: Config, baseUrl: string): { dnsNames: string[]; ipAddresses: string[] } {
  const zone = cfg.dataPlaneZone;
  const dnsNames = new Set([
    'localhost',
    `*.vault.${zone}`,
    `*.blob.${zone}`,
    `*.dfs.${zone}`,
    `*.queue.${zone}`,
    `*.table.${zone}`,
  ]);
  for (const name of AZURE_CERTIFICATE_NAMES) dnsNames.add(name);
  const ipAddresses = new Set(['127.0.0.1', '::1']);
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  (isIP(host) ? ipAddresses : dnsNames).add(host);
  return { dnsNames: [...dnsNames], ipAddresses: [...ipAddresses] };
}

/** The listener limits from the config, with the setting names the refusals quote. */
const serverLimits = (cfg: Config) => ({
  maxHeaderBytes: cfg.maxHeaderBytes,
  maxUrlBytes: cfg.maxUrlBytes,
  maxConnectionsPerClient: cfg.maxConnectionsPerClient,
  settings: {
    header: 'OPENMI_MAX_HEADER_BYTES',
    url: 'OPENMI_MAX_URL_BYTES',
    connections: 'OPENMI_MAX_CONNECTIONS_PER_CLIENT',
  },
});

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is already in use; start with --port N to choose another`)
          : e,
      ),
    );
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}

/** From the environment, a file given in the config, or {dataDir}/master.key (created on first start). */
function masterKeyOf(cfg: Config): Buffer {
  if (cfg.masterKey) return masterKeyFromBase64(cfg.masterKey);
  if (cfg.masterKeyFile) return loadMasterKeyFile(cfg.masterKeyFile);
  return loadOrCreateMasterKey(join(cfg.dataDir, 'master.key'));
}

/** The composition root: the only place that wires store, keys, services and listeners together. */
export async function startServer(cfg: Config, opts: AppOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  const log = opts.log ?? createLogger(cfg.logLevel);
  const unlock = lockDataDir(cfg.dataDir);
  let store: Store | undefined;
  let pool: SigningPool | undefined;
  try {
    // The master key first: its loader refuses a key others could read rather than narrowing it.
    const masterKey = masterKeyOf(cfg);
    const narrowed = tightenPrivateDir(cfg.dataDir);
    if (narrowed.length > 0)
      log.warn(
        { paths: narrowed },
        `narrowed ${narrowed.length} data-dir path(s) that group or others could access to owner-only (files 0600, directory 0700)`,
      );
    const metrics = new Metrics();
    store = await openStore(
      cfg.store === 'sqlite'
        ? { kind: 'sqlite', path: join(cfg.dataDir, 'openmi.db') }
        : { kind: 'postgres', url: cfg.store },
      metrics.storeTimings,
    );
    metrics.storeKind = store.kind;
    const credentialsPath = credentialsPathOf(cfg.dataDir);
    const opened = store;
    // Under the lock: nodes started together on an empty store make one installation and one key pair.
    // The CA lives in the store too, so every node's certificate chains to the one ca.pem clients trust.
    const sharedCa = {
      get: () => opened.meta.get(CA_META_KEY),
      setIfAbsent: (v: string) => opened.meta.setIfAbsent(CA_META_KEY, v),
    };
    const sharedRegistrySigning = {
      get: () => opened.meta.get(REGISTRY_SIGNING_META_KEY),
      setIfAbsent: (v: string) => opened.meta.setIfAbsent(REGISTRY_SIGNING_META_KEY, v),
    };
    const { installation, keys, pki } = await store.underInstallLock(async () => ({
      installation: await ensureInstallation(opened, clock, random, credentialsPath),
      keys: await new KeyRing(opened, masterKey, clock).open(),
      pki: await loadOrCreatePki({
        dir: cfg.dataDir,
        masterKey,
        clock,
        sharedCa,
        sharedRegistrySigning,
        ...certificateNames(cfg, publicBaseUrl(cfg)),
      }),
    }));
    const surfaces: Surface[] = [];
    const server = createListener({
      cert: pki.serverCertPem,
      key: pki.serverKeyPem,
      surfaces,
      log,
      observer: metrics,
      requestTimeoutMs: cfg.requestTimeoutMs,
      limits: serverLimits(cfg),
    });
    const port = await listen(server, cfg.host, cfg.port);
    const baseUrl = publicBaseUrl(cfg, port);
    pool = cfg.signingWorkers > 0 ? new SigningPool({ workers: cfg.signingWorkers, log }) : undefined;
    // Housekeeping runs on one node of a PostgreSQL installation: the one that holds the lock.
    const lead = housekeepingLeader(store, log, (leading) => metrics.housekeepingLeader(leading));
    const audit = new AuditLogs(store, clock, log, cfg.auditRetentionDays, metrics).start(lead);
    surfaces.push(
      ...buildSurfaces({
        cfg,
        baseUrl,
        ownUrl: listenBaseUrl(cfg, port),
        store,
        keys,
        clock,
        random,
        installation,
        metrics,
        log,
        pool,
        masterKey,
        ca: pki.ca,
        audit,
        registrySigning: pki.registrySigning,
        ...(opts.federationFetch ? { federationFetch: opts.federationFetch } : {}),
      }),
    );
    writePrivateFile(endpointPathOf(cfg.dataDir), `${JSON.stringify({ baseUrl, tenantId: installation.tenantId })}\n`);
    const openStoreRef = store;
    const openPool = pool;
    const keyMaintenance = new KeyMaintenance(keys, store, clock, KEY_MAINTENANCE_INTERVAL_MS, log, lead).start();
    const vaultKeyRotation = new KeyRotation(store, new KeyService(store, masterKey, clock), clock);
    const autoRotation = new KeyAutoRotation(vaultKeyRotation, KEY_ROTATION_INTERVAL_MS, log, lead).start();
    // Serve only once other nodes' changes reach this one; if listening fails the bus keeps retrying.
    await store.changes
      .ready()
      .catch((err: unknown) =>
        log.warn(
          { err },
          "cannot listen for other nodes' changes yet; retrying (they reach this node at the next cache reload meanwhile)",
        ),
      );
    return {
      baseUrl,
      port,
      installation,
      caCertPath: pki.caCertPath,
      credentialsPath,
      store,
      surfaces,
      close: async () => {
        await new Promise<void>((r) => {
          server.close(() => r());
          for (const s of surfaces) s.close?.();
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2_000).unref();
        });
        // After the listener has drained: no request is still waiting on a signature.
        await openPool?.close();
        await audit.close();
        await keyMaintenance.stop();
        await autoRotation.stop();
        await openStoreRef.close();
        unlock();
      },
    };
  } catch (e) {
    await pool?.close();
    await store?.close();
    unlock();
    throw e;
  }
}
