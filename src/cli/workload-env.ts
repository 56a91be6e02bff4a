import { delimiter } from 'node:path';
import { AZURE_DOMAINS, AZURE_SERVED_HOSTS } from '../wire/azure-hosts.js';

/** Which metadata endpoints a workload is pointed at. */
export type MetadataMode = 'all' | 'imds' | 'app-service';

export interface AgentEndpoints {
  /** http://host:port — the IMDS base (AZURE_POD_IDENTITY_AUTHORITY_HOST). */
  imds: string;
  /** http://host:port/msi/token — IDENTITY_ENDPOINT and MSI_ENDPOINT. */
  identityEndpoint: string;
  identityHeader: string;
  /** Data-plane names (`*.{zone}`) to resolve to the server's host in Node children (see dnsPreload). */
  dataPlane?: { zone: string; serverHost: string };
  /** Azure's own host names sent to the server (docs/clients.md#transparent-mode). */
  azure?: AzureRedirect;
}

export interface AzureRedirect {
  /** `host:port` of the openmi server. */
  target: string;
  /** Directory holding the Python `sitecustomize` (./dns/python-site.ts). */
  pythonPath: string;
  /** System CAs + openmi's CA. */
  bundlePath: string;
}

/** Compiled next to this file in dist: cli/ -> dataplanes/dns/preload.js. */
const DNS_PRELOAD = new URL('./dns/preload.js', import.meta.url).href;

/**
 * NODE_OPTIONS that loads the resolver preload, appended to what the child inherited. Quoted,
 * because Node splits NODE_OPTIONS on spaces and an install path may contain them.
 */
function withDnsPreload(inherited: string | undefined): string {
  const flag = `--import="${DNS_PRELOAD.replace(/(["\\])/g, '\\$1')}"`;
  return inherited && inherited.trim() !== '' ? `${inherited} ${flag}` : flag;
}

/**
 * Variables the SDKs use to pick a managed-identity source (docs/wire/managed-identity.md). Any
 * inherited one would steer the child elsewhere (IDENTITY_SERVER_THUMBPRINT flips to Service
 * Fabric, MSI_SECRET to Azure ML, IMDS_ENDPOINT to Arc), so all are cleared first.
 */
export const SOURCE_VARS: readonly string[] = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
];

/**
 * The environment that makes unmodified SDKs and the Azure CLI find the agent:
 * - App Service (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`): picked first by the JS and Python SDKs.
 * - IMDS (`AZURE_POD_IDENTITY_AUTHORITY_HOST`): used when App Service is not set; also skips
 *   DefaultAzureCredential's probe of 169.254.169.254.
 * - `MSI_ENDPOINT`: the only variable `az login --identity` (2.45) reads; it POSTs a form there.
 * - The local CA for Node (`NODE_EXTRA_CA_CERTS`), Python requests (`REQUESTS_CA_BUNDLE`) and
 *   urllib/OpenSSL (`SSL_CERT_FILE`), so https calls to openmi itself are trusted.
 * - Loopback in `NO_PROXY`: the SDKs honour HTTPS_PROXY, and a proxy cannot reach the agent.
 * - For Node, a preload that resolves `*.{zone}` (vault host names) to the server: no DNS needed.
 * - With `azure`: the preload and a Python `sitecustomize` also send Azure's own names to the
 *   server; Python then trusts a bundle (system CAs + openmi's) instead of openmi's CA alone; and
 *   Azure's domains go direct, never through an inherited proxy that would reach the real Azure.
 */
export function workloadEnvironment(
  a: AgentEndpoints,
  caCertPath: string,
  mode: MetadataMode,
  inherited: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...inherited };
  for (const k of SOURCE_VARS) delete env[k];
  if (mode !== 'imds') {
    env['IDENTITY_ENDPOINT'] = a.identityEndpoint;
    env['IDENTITY_HEADER'] = a.identityHeader;
    env['MSI_ENDPOINT'] = a.identityEndpoint;
  }
  if (mode !== 'app-service') env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] = a.imds;
  if (a.dataPlane) {
    env['OPENMI_DATA_PLANE_ZONE'] = a.dataPlane.zone;
    env['OPENMI_DATA_PLANE_HOST'] = a.dataPlane.serverHost;
  }
  if (a.dataPlane || a.azure) env['NODE_OPTIONS'] = withDnsPreload(inherited['NODE_OPTIONS']);
  env['NODE_EXTRA_CA_CERTS'] = caCertPath;
  env['REQUESTS_CA_BUNDLE'] = a.azure?.bundlePath ?? caCertPath;
  env['SSL_CERT_FILE'] = a.azure?.bundlePath ?? caCertPath;
  if (a.azure) {
    env['OPENMI_AZURE_TARGET'] = a.azure.target;
    const py = inherited['PYTHONPATH'];
    env['PYTHONPATH'] = py ? `${a.azure.pythonPath}${delimiter}${py}` : a.azure.pythonPath;
  }
  env['NO_PROXY'] = noProxyList(a, inherited);
  return env;
}

/** The inherited NO_PROXY plus loopback, the data-plane zone and, with `azure`, Azure's domains. */
function noProxyList(a: AgentEndpoints, inherited: Record<string, string>): string {
  const noProxy = (inherited['NO_PROXY'] ?? inherited['no_proxy'] ?? '').split(',').filter(Boolean);
  const direct = [
    '127.0.0.1',
    'localhost',
    ...(a.dataPlane ? [`.${a.dataPlane.zone}`] : []),
    ...(a.azure ? [...AZURE_SERVED_HOSTS, ...AZURE_DOMAINS.map((d) => `.${d}`)] : []),
  ];
  for (const h of direct) if (!noProxy.includes(h)) noProxy.push(h);
  return noProxy.join(',');
}

/** Only the variables `workloadEnvironment` sets, for `openmi env --resource`. */
export function workloadVariables(a: AgentEndpoints, caCertPath: string, mode: MetadataMode): Record<string, string> {
  return workloadEnvironment(a, caCertPath, mode, {});
}
