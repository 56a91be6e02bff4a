import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { configDefaults, configDocs, configSchema, type Config } from './schema.js';

type Input = Partial<Record<keyof Config, unknown>>;
const LISTS = new Set<keyof Config>(['federationAllowedIssuerHosts']);
const NUMERIC = new Set<keyof Config>([
  'port',
  'appTokenLifetimeSeconds',
  'managedIdentityTokenLifetimeSeconds',
  'maxBodyBytes',
  'maxHeaderBytes',
  'maxUrlBytes',
  'maxConnectionsPerClient',
  'requestTimeoutMs',
  'signingWorkers',
  'auditRetentionDays',
  'tokenRequestsPerSecondPerClient',
  'agentTokenRequestsPerSecond',
  'joinTokensPerResource',
]);

/** Reads OPENMI_* variables. The only place in openmi that reads `process.env`. */
function fromEnv(env: NodeJS.ProcessEnv): Input {
  const out: Input = {};
  for (const [key, { env: name }] of Object.entries(configDocs) as [keyof Config, { env: string }][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    out[key] = NUMERIC.has(key)
      ? Number(raw)
      : LISTS.has(key)
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : raw;
  }
  return out;
}

function dropUndefined(o: Input): Input {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export class ConfigError extends Error {}

/**
 * The signing pool's default size depends on the machine, so it is decided here rather than in
 * configDefaults (which docs/config.md is rendered from). Capped at 4: past that the event loop,
 * which builds every token and answers every request, becomes the limit. With one core (a
 * container's CPU limit, taskset) there is nothing to sign in parallel with: a worker would only
 * add the hand-off (two messages and two thread switches per token, ~10% of a mint measured on
 * the real server, docs/performance.md), so the event loop signs.
 */
export const defaultSigningWorkers = (cores: number = availableParallelism()): number =>
  cores <= 1 ? 0 : Math.min(cores, 4);

/**
 * Loads configuration: defaults, then OPENMI_* environment variables, then command-line flags.
 * Validates once and freezes. Throws ConfigError naming each bad setting and its variable.
 */
export function loadConfig(flags: Input = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const merged = {
    ...configDefaults,
    signingWorkers: defaultSigningWorkers(),
    ...fromEnv(env),
    ...dropUndefined(flags),
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const name = configDocs[key as keyof Config]?.env;
      return `  ${key}${name ? ` (${name})` : ''}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = {
    ...parsed.data,
    dataDir: resolve(parsed.data.dataDir),
    ...(parsed.data.masterKeyFile ? { masterKeyFile: resolve(parsed.data.masterKeyFile) } : {}),
  };
  return Object.freeze(cfg);
}

/** The URL clients use to reach the server. */
export function publicBaseUrl(cfg: Config, boundPort?: number): string {
  if (cfg.publicUrl) return cfg.publicUrl.replace(/\/+$/, '');
  return listenBaseUrl(cfg, boundPort);
}

/**
 * This node's own address, whatever `publicUrl` says: behind a load balancer every node shares one
 * public URL, but an agent or client given a node's own address (docs/operations.md) names that.
 */
export function listenBaseUrl(cfg: Config, boundPort?: number): string {
  const port = boundPort ?? cfg.port;
  const host = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host;
  const h = host.includes(':') ? `[${host}]` : host;
  return `https://${h}:${port}`;
}

/**
 * The environment a child process inherits (`openmi run`): read here so that this module stays
 * the only reader of `process.env`. Returns a copy the caller may edit.
 */
export function inheritedEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
