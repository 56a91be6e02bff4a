/** Which metadata endpoints a workload is pointed at. */
export type MetadataMode = 'all' | 'imds' | 'app-service';

export interface AgentEndpoints {
  /** http://host:port — the IMDS base (AZURE_POD_IDENTITY_AUTHORITY_HOST). */
  imds: string;
  /** http://host:port/msi/token — IDENTITY_ENDPOINT and MSI_ENDPOINT. */
  identityEndpoint: string;
  identityHeader: string;
}

/**
 * Variables the SDKs use to pick a managed-identity source (spec 01 §1, spec 04 §4.1). Any
 * inherited one would steer the child elsewhere (IDENTITY_SERVER_THUMBPRINT flips to Service
 * Fabric, MSI_SECRET to Azure ML, IMDS_ENDPOINT to Arc), so all are cleared first.
 */
const SOURCE_VARS = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'IDENTITY_SERVER_THUMBPRINT', 'IMDS_ENDPOINT', 'MSI_ENDPOINT', 'MSI_SECRET', 'AZURE_POD_IDENTITY_AUTHORITY_HOST'];

/**
 * The environment that makes unmodified SDKs and the Azure CLI find the agent:
 * - App Service (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`): picked first by the JS and Python SDKs.
 * - IMDS (`AZURE_POD_IDENTITY_AUTHORITY_HOST`): used when App Service is not set; also skips
 *   DefaultAzureCredential's probe of 169.254.169.254.
 * - `MSI_ENDPOINT`: the only variable `az login --identity` (2.45) reads; it POSTs a form there.
 * - The local CA for Node (`NODE_EXTRA_CA_CERTS`), Python requests (`REQUESTS_CA_BUNDLE`) and
 *   urllib/OpenSSL (`SSL_CERT_FILE`), so https calls to openmi itself are trusted.
 * - Loopback in `NO_PROXY`: the SDKs honour HTTPS_PROXY, and a proxy cannot reach the agent.
 */
export function workloadEnvironment(a: AgentEndpoints, caCertPath: string, mode: MetadataMode, inherited: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...inherited };
  for (const k of SOURCE_VARS) delete env[k];
  if (mode !== 'imds') {
    env['IDENTITY_ENDPOINT'] = a.identityEndpoint;
    env['IDENTITY_HEADER'] = a.identityHeader;
    env['MSI_ENDPOINT'] = a.identityEndpoint;
  }
  if (mode !== 'app-service') env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] = a.imds;
  env['NODE_EXTRA_CA_CERTS'] = caCertPath;
  env['REQUESTS_CA_BUNDLE'] = caCertPath;
  env['SSL_CERT_FILE'] = caCertPath;
  const noProxy = (inherited['NO_PROXY'] ?? inherited['no_proxy'] ?? '').split(',').filter(Boolean);
  for (const h of ['127.0.0.1', 'localhost']) if (!noProxy.includes(h)) noProxy.push(h);
  env['NO_PROXY'] = noProxy.join(',');
  return env;
}

/** Only the variables `workloadEnvironment` sets, for `openmi env --resource`. */
export function workloadVariables(a: AgentEndpoints, caCertPath: string, mode: MetadataMode): Record<string, string> {
  return workloadEnvironment(a, caCertPath, mode, {});
}
