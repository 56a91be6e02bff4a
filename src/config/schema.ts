import { isIP } from 'node:net';
import { z } from 'zod';

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
const isHost = (h: string): boolean => isIP(h.replace(/^\[|\]$/g, '')) !== 0 || HOST_NAME.test(h);

/**
 * The one configuration schema. Loaded and validated once by `load.ts` (defaults → env → flags),
 * frozen, and passed down from the composition root. Nothing else reads `process.env`.
 */
export const configSchema = z
  .object({
    /** Where the CA, server certificate, master key, SQLite file and admin credentials live. */
    dataDir: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    /**
     * Base URL clients use to reach this server: issuer, ARM endpoint and nextLink host.
     * Defaults to https://{host}:{port} (127.0.0.1 when listening on all interfaces).
     */
    publicUrl: z.url({ protocol: /^https$/ }).optional(),
    /** `sqlite` (file `openmi.db` in the data dir) or a `postgres://` URL. */
    store: z.union([
      z.literal('sqlite'),
      z.string().regex(/^postgres(ql)?:\/\//, 'must be "sqlite" or a postgres:// URL'),
    ]),
    /** Base64 of a 32-byte key; overrides `{dataDir}/master.key`, e.g. from a secret manager. */
    masterKey: z.string().optional(),
    /**
     * File holding the base64 master key (e.g. a mounted secret), instead of `masterKey`; must be
     * private to its owner, as ssh requires of a private key. Read by the server at start.
     */
    masterKeyFile: z.string().min(1).optional(),
    /** DNS zone of the data-plane host names (`<vault>.vault.<zone>`, `<account>.blob.<zone>`). */
    dataPlaneZone: z.string().regex(/^[a-z0-9.-]+$/),
    /** Lifetime of access tokens issued to applications (client credentials). Entra uses 60–90 min. */
    appTokenLifetimeSeconds: z.number().int().min(60).max(86_400),
    /**
     * Lifetime of managed-identity and federated tokens. Azure issues ~24 h tokens that cannot be
     * revoked; openmi defaults to 1 h so a permission change reaches every workload quickly. Keep
     * it above 5 min: the SDKs treat a token within 5 min of expiry as expired and refetch it.
     */
    managedIdentityTokenLifetimeSeconds: z.number().int().min(600).max(86_400),
    /** Largest request body accepted on the ARM and token surfaces (ARM itself allows 4 MiB). */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024),
    /** Request line plus headers; more is answered 431. A bearer token alone may take 16 KiB. */
    maxHeaderBytes: z
      .number()
      .int()
      .min(4096)
      .max(1024 * 1024),
    /** Request target (path and query); longer is answered 414. Below maxHeaderBytes, which includes it. */
    maxUrlBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024),
    /** Open connections from one client address; past it requests are answered 429 and closed, past twice it cut. */
    maxConnectionsPerClient: z.number().int().min(1).max(1_000_000),
    /** Requests that take longer are answered 503 and their socket closed (slowloris guard). */
    requestTimeoutMs: z.number().int().min(1000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /**
     * Worker threads that make token signatures; 0 signs on the event loop. An RS256 signature is
     * most of a mint, and one core signs only about 1.2–3.8k tokens/s, so spreading signatures
     * over cores is the only way past that (docs/performance.md, G6). The loader defaults it to
     * min(available cores, 4), and 0 on one core: more workers than cores only adds contention with
     * the event loop.
     */
    signingWorkers: z.number().int().min(0).max(64),
    /** Activity and sign-in log rows older than this many days are deleted (the chain keeps a checkpoint, so it still verifies). */
    auditRetentionDays: z.number().int().min(1).max(36_500),
    /**
     * Hosts (names or IP addresses, any port) of federated-credential issuers that OpenID discovery
     * may reach although they are not public: loopback, private, link-local. Everything else must
     * be a public https host; see docs/managed-identity-tokens.md (issuer discovery and SSRF).
     */
    federationAllowedIssuerHosts: z
      .array(z.string().refine(isHost, 'must be a host name or IP address, without scheme, port or path'))
      .optional(),
    /** Token requests per client id on the token endpoints, per second on average; bursts of twice that (429 + Retry-After past it). */
    tokenRequestsPerSecondPerClient: z.number().int().min(1).max(1_000_000),
    /** Token mints per agent per second on the agent API; bursts of twice that. Azure IMDS allows 20 per VM. */
    agentTokenRequestsPerSecond: z.number().int().min(1).max(100_000),
    /** Unused, unexpired join tokens a compute resource may have at once. */
    joinTokensPerResource: z.number().int().min(1).max(1000),
  })
  .strict()
  // Two sources of the one key: refuse rather than pick one silently.
  .refine((c) => c.masterKey === undefined || c.masterKeyFile === undefined, {
    path: ['masterKeyFile'],
    message: 'give the master key either as OPENMI_MASTER_KEY or as a file, not both',
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

export const configDefaults = {
  dataDir: './.openmi',
  host: '127.0.0.1',
  port: 8443,
  store: 'sqlite',
  dataPlaneZone: 'openmi.localhost',
  appTokenLifetimeSeconds: 3600,
  managedIdentityTokenLifetimeSeconds: 3600,
  maxBodyBytes: 4 * 1024 * 1024,
  maxHeaderBytes: 32 * 1024,
  maxUrlBytes: 8 * 1024,
  maxConnectionsPerClient: 256,
  requestTimeoutMs: 30_000,
  logLevel: 'info',
  auditRetentionDays: 90,
  tokenRequestsPerSecondPerClient: 500,
  agentTokenRequestsPerSecond: 20,
  joinTokensPerResource: 10,
} as const;

/** Every setting's environment variable and description; docs/config.md is rendered from this. */
export const configDocs: Record<keyof z.infer<typeof configSchema>, { env: string; doc: string }> = {
  dataDir: {
    env: 'OPENMI_DATA_DIR',
    doc: 'Data directory: CA, server certificate, master key, SQLite file, admin credentials.',
  },
  host: { env: 'OPENMI_HOST', doc: 'Address to listen on.' },
  port: { env: 'OPENMI_PORT', doc: 'HTTPS port (0 picks a free one).' },
  publicUrl: {
    env: 'OPENMI_PUBLIC_URL',
    doc: 'Base URL clients use (issuer, ARM endpoint, nextLink host). Default https://{host}:{port}.',
  },
  store: { env: 'OPENMI_STORE', doc: '`sqlite` (file openmi.db in the data dir) or a postgres:// URL.' },
  masterKey: {
    env: 'OPENMI_MASTER_KEY',
    doc: 'Base64 of 32 bytes; overrides {dataDir}/master.key. Keeps private keys encrypted at rest.',
  },
  masterKeyFile: {
    env: 'OPENMI_MASTER_KEY_FILE',
    doc: 'Path of a file holding the master key (base64 of 32 bytes, a trailing newline is ignored); overrides {dataDir}/master.key. Also `openmi serve --master-key-file`. The file must not be readable by group or others (chmod 600), or the server refuses to start. Not together with OPENMI_MASTER_KEY.',
  },
  dataPlaneZone: {
    env: 'OPENMI_DATA_PLANE_ZONE',
    doc: 'DNS zone of data-plane host names (<vault>.vault.<zone>, <account>.blob.<zone>).',
  },
  appTokenLifetimeSeconds: {
    env: 'OPENMI_APP_TOKEN_LIFETIME_SECONDS',
    doc: 'Lifetime of client-credentials access tokens.',
  },
  managedIdentityTokenLifetimeSeconds: {
    env: 'OPENMI_MI_TOKEN_LIFETIME_SECONDS',
    doc: 'Lifetime of managed-identity and federated tokens (default 1 h; Azure uses ~24 h). At least 600.',
  },
  maxBodyBytes: { env: 'OPENMI_MAX_BODY_BYTES', doc: 'Largest request body accepted on the ARM and token surfaces.' },
  maxHeaderBytes: {
    env: 'OPENMI_MAX_HEADER_BYTES',
    doc: 'Largest request line plus headers, in bytes; larger requests are answered 431 Request Header Fields Too Large.',
  },
  maxUrlBytes: {
    env: 'OPENMI_MAX_URL_BYTES',
    doc: 'Longest request target (path and query), in bytes; longer ones are answered 414 URI Too Long. Keep it below maxHeaderBytes.',
  },
  maxConnectionsPerClient: {
    env: 'OPENMI_MAX_CONNECTIONS_PER_CLIENT',
    doc: 'Open connections allowed from one client address. Requests on connections past it are answered 429 and the connection closed; connections past twice it are closed at once. A NAT or proxy in front of many clients needs a higher value. The agent has its own bound (`openmi agent --max-connections-per-client`, default 128); the gate allows 256.',
  },
  requestTimeoutMs: {
    env: 'OPENMI_REQUEST_TIMEOUT_MS',
    doc: 'Requests slower than this are cut off (slow-client guard).',
  },
  logLevel: { env: 'OPENMI_LOG_LEVEL', doc: 'fatal, error, warn, info, debug, trace or silent.' },
  auditRetentionDays: {
    env: 'OPENMI_AUDIT_RETENTION_DAYS',
    doc: 'Days the activity log and the sign-in log keep their rows (1 to 36500). Older rows are deleted hourly; the hash chain keeps a checkpoint so `openmi audit verify` still passes.',
  },
  federationAllowedIssuerHosts: {
    env: 'OPENMI_FEDERATION_ALLOWED_ISSUER_HOSTS',
    doc: 'Comma-separated hosts (names or IP addresses, any port) whose federated-credential issuers OpenID discovery may reach although they are loopback, private or link-local. Default: none; only public https hosts. A private issuer can instead be trusted without any fetch with `openmi federation-issuer add`.',
  },
  tokenRequestsPerSecondPerClient: {
    env: 'OPENMI_TOKEN_REQUESTS_PER_SECOND_PER_CLIENT',
    doc: 'Token requests one client id may make per second on the token endpoints (client credentials, federated, login link), with bursts of twice that; past it the answer is 429 with Retry-After. Counted per server node, successes and failures alike.',
  },
  agentTokenRequestsPerSecond: {
    env: 'OPENMI_AGENT_TOKEN_REQUESTS_PER_SECOND',
    doc: 'Token mints one agent may ask for per second (bursts of twice that); past it 429 with Retry-After, which the agent passes on. Azure IMDS allows 20 per VM; the agent caches tokens, so only misses and refreshes count.',
  },
  joinTokensPerResource: {
    env: 'OPENMI_JOIN_TOKENS_PER_RESOURCE',
    doc: 'Unused, unexpired join tokens one compute resource may have at once; creating another answers 409 QuotaExceeded.',
  },
  signingWorkers: {
    env: 'OPENMI_SIGNING_WORKERS',
    doc: 'Worker threads that sign tokens (0 to 64; 0 signs on the event loop). Default: the available cores, at most 4, and 0 on one core. RSA signing is most of a mint and one core makes only ~1.2–3.8k signatures/s.',
  },
};
