import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../../kernel/private-files.js';
import { AZURE_SERVED_HOSTS } from '../../wire/azure-hosts.js';
import { caBundle, SYSTEM_BUNDLES } from '../dns/python-site.js';
import { SOURCE_VARS } from '../workload-env.js';

/**
 * What the outer `openmi run --transparent` hands the process it starts inside the namespace
 * (docs/clients.md#transparent-mode), as a private file in the run directory, read once and
 * deleted: the child's environment may hold the user's secrets, and argv is world-readable.
 */
export interface NsPlan {
  cmd: string;
  args: string[];
  env: Record<string, string>;
  /** [file in the run directory, system path it is bind-mounted over]. */
  mounts: [string, string][];
  /** Directories hidden under an empty tmpfs (a host nscd would resolve names on the host). */
  masks: string[];
  sockets: { imds: string; server: string; events: string };
}

/** Azure's served names resolve to this address inside the namespace; its :443 is the server. */
export const AZURE_ADDRESS = '127.77.0.1';
/** Azure's IMDS address: the agent's metadata endpoints on port 80 inside the namespace. */
export const IMDS_ADDRESS = '169.254.169.254';
/** The namespace's resolver, as systemd-resolved's stub is: a loopback address of its own. */
export const DNS_ADDRESS = '127.0.0.53';

/** sun_path is 108 bytes on Linux; a socket path must fit with its NUL. */
const MAX_SOCKET_PATH = 100;

/** A private run directory under the data dir, or under the temp dir when socket paths would not fit. */
export function makeRunDir(dataDir: string): string {
  const preferred = join(dataDir, 'run', `ns-${process.pid}`);
  if (Buffer.byteLength(join(preferred, 'events.sock')) <= MAX_SOCKET_PATH) {
    rmSync(preferred, { recursive: true, force: true });
    ensurePrivateDir(preferred);
    return preferred;
  }
  return mkdtempSync(join(tmpdir(), 'openmi-ns-'));
}

/** The Unix sockets the host side listens on and the namespace side connects to. */
export const socketPaths = (runDir: string): NsPlan['sockets'] => ({
  imds: join(runDir, 'imds.sock'),
  server: join(runDir, 'server.sock'),
  events: join(runDir, 'events.sock'),
});

const readText = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** The host's /etc/hosts (its own name keeps resolving) plus Azure's fixed served names. */
function hostsFile(): string {
  const azure = AZURE_SERVED_HOSTS.map((h) => `${AZURE_ADDRESS}\t${h}`).join('\n');
  return `${readText('/etc/hosts').trimEnd()}\n# openmi run --transparent\n${azure}\n`;
}

/**
 * The host's nsswitch.conf with `hosts: files dns`: modules such as nss-resolve or mdns would ask
 * a daemon on the host (over a Unix socket the mount namespace still shows) instead of our resolver.
 */
function nsswitchFile(host: string): string {
  return host.replace(/^hosts:.*$/m, 'hosts:          files dns');
}

/** Writes the namespace's files and the plan; returns the plan's path. */
export function writePlan(
  runDir: string,
  o: { cmd: string; args: string[]; inherited: Record<string, string>; caPem: string },
): string {
  const file = (name: string, text: string) => {
    writePrivateFile(join(runDir, name), text);
    return join(runDir, name);
  };
  const bundle = file('ca-bundle.pem', caBundle(o.caPem));
  const mounts: [string, string][] = [
    [file('hosts', hostsFile()), '/etc/hosts'],
    [file('resolv.conf', `nameserver ${DNS_ADDRESS}\noptions timeout:1 attempts:1\n`), '/etc/resolv.conf'],
  ];
  const nsswitch = readText('/etc/nsswitch.conf');
  if (nsswitch !== '') mounts.push([file('nsswitch.conf', nsswitchFile(nsswitch)), '/etc/nsswitch.conf']);
  const bundles = SYSTEM_BUNDLES.filter((p) => existsSync(p));
  for (const p of bundles) mounts.push([bundle, p]);
  const plan: NsPlan = {
    cmd: o.cmd,
    args: o.args,
    env: namespaceEnvironment(o.inherited, bundles[0] ?? bundle),
    mounts: mounts.filter(([, target]) => existsSync(target)),
    masks: ['/run/nscd', '/var/run/nscd'].filter((d) => existsSync(d) && statSync(d).isDirectory()),
    sockets: socketPaths(runDir),
  };
  return file('plan.json', JSON.stringify(plan));
}

/** Reads the plan and deletes it at once (see NsPlan). */
export function takePlan(path: string): NsPlan {
  const plan = JSON.parse(readFileSync(path, 'utf8')) as NsPlan;
  rmSync(path, { force: true });
  return plan;
}

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];

/**
 * The child's environment: what it inherited, without openmi's variables, the managed-identity
 * source variables (code must find IMDS at 169.254.169.254, as on a VM) and proxies (the namespace
 * has no route to one); with the CA variables naming the bundle, for runtimes that do not read the
 * system store (Node adds NODE_EXTRA_CA_CERTS to its own roots).
 */
export function namespaceEnvironment(inherited: Record<string, string>, bundlePath: string): Record<string, string> {
  const env: Record<string, string> = {};
  const dropped = new Set([...SOURCE_VARS, ...PROXY_VARS]);
  for (const [k, v] of Object.entries(inherited)) if (!dropped.has(k) && !k.startsWith('OPENMI_')) env[k] = v;
  for (const k of ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS', 'CURL_CA_BUNDLE']) env[k] = bundlePath;
  return env;
}
