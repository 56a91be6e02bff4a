import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { loadConfig, publicBaseUrl } from '../config/load.js';
import type { AdminCredentialsFile } from '../server/directory/bootstrap.js';

/**
 * A client of the public ARM wire, authenticated as the bootstrap admin, for the processes that
 * are not the server: the CLI and openmi gate. Neither opens the store: everything they do, an
 * Azure SDK pointed at this server could do too.
 */
export interface ArmClient {
  readonly baseUrl: string;
  readonly subscriptionId: string;
  readonly dataDir: string;
  /** `path` is relative to the base URL, or an absolute `nextLink` on the same origin. Non-2xx throws ArmClientError. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** `call`, returning only the parsed body (undefined when the response had none). */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /**
   * POSTs a form to a non-ARM endpoint of the same server with this client's ARM token in it, as
   * `az acr login` hands its ARM token to a registry's /oauth2/exchange. Answers any status.
   */
  postFormWithToken(
    path: string,
    form: Record<string, string>,
    tokenField: string,
  ): Promise<{ status: number; text: string }>;
}

export interface ArmClientOptions {
  dataDir?: string | undefined;
  subscription?: string | undefined;
}

/** A refusal or a failure to reach the server, with a one-line message that says what to do. */
export class ArmClientError extends Error {}

interface RawResponse {
  status: number;
  text: string;
}

type Json = Record<string, unknown>;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

function readDataFile(path: string, what: string, dataDir: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message;
    throw new ArmClientError(
      `cannot read the ${what} at ${path}: ${why}. Start the server once with 'openmi serve --data-dir ${dataDir}' to create it.`,
    );
  }
}

function send(
  url: string,
  method: string,
  ca: string,
  headers: Record<string, string>,
  body: string | undefined,
  dataDir: string,
): Promise<RawResponse> {
  const h: Record<string, string> = { 'user-agent': 'openmi-cli/0.1.0', accept: 'application/json', ...headers };
  // An explicit zero length keeps body-less POSTs (ARM actions) unambiguous to every server.
  if (body !== undefined || method === 'POST') h['content-length'] = String(Buffer.byteLength(body ?? ''));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: h, ca, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const origin = new URL(url).origin;
      if (e.code && NETWORK_CODES.has(e.code)) {
        reject(
          new ArmClientError(
            `the openmi server at ${origin} is not reachable (${e.code}). Start it with 'openmi serve --data-dir ${dataDir}'.`,
          ),
        );
      } else {
        reject(new ArmClientError(`request to ${origin} failed: ${e.message}`));
      }
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Turns an ARM error envelope (or anything else non-2xx) into a one-line message the user can act on. */
function armFailure(method: string, url: string, r: RawResponse): ArmClientError {
  const err = (parseJson(r.text) as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (err && typeof err === 'object' && err.code) return new ArmClientError(`${err.code}: ${err.message ?? ''}`.trim());
  const path = new URL(url).pathname;
  return new ArmClientError(
    `${method} ${path} failed with HTTP ${r.status}${r.text ? `: ${r.text.slice(0, 300)}` : ''}`,
  );
}

async function fetchToken(baseUrl: string, ca: string, creds: AdminCredentialsFile, dataDir: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: creds.clientId,
    client_secret: creds.clientSecret,
    resource: baseUrl,
  }).toString();
  const url = `${baseUrl}/${encodeURIComponent(creds.tenantId)}/oauth2/token`;
  const r = await send(url, 'POST', ca, { 'content-type': 'application/x-www-form-urlencoded' }, body, dataDir);
  const json = parseJson(r.text) as { access_token?: string; error?: string; error_description?: string } | undefined;
  if (r.status === 200 && json?.access_token) return json.access_token;
  const why = json?.error ? `${json.error}: ${json.error_description ?? ''}`.trim() : `HTTP ${r.status}`;
  throw new ArmClientError(
    `the admin credentials in ${dataDir} were refused (${why}). Were they created by this server?`,
  );
}

/** Resolves a relative path against the base URL; refuses absolute URLs elsewhere so the token never leaves this server. */
export function resolveUrl(baseUrl: string, path: string): string {
  if (!/^https?:\/\//i.test(path)) return `${baseUrl}${path}`;
  if (new URL(path).origin !== new URL(baseUrl).origin) {
    throw new ArmClientError(
      `the server returned a link to ${new URL(path).origin}, not ${new URL(baseUrl).origin}; refusing to send credentials there.`,
    );
  }
  return path;
}

export function createArmClient(opts: ArmClientOptions = {}): ArmClient {
  const cfg = loadConfig({ dataDir: opts.dataDir });
  const dataDir = cfg.dataDir;
  const creds = JSON.parse(
    readDataFile(join(dataDir, 'admin-credentials.json'), 'admin credentials', dataDir),
  ) as AdminCredentialsFile;
  const ca = readDataFile(join(dataDir, 'ca.pem'), 'CA certificate', dataDir);
  const endpoint = readEndpoint(dataDir);
  const baseUrl = (endpoint ?? publicBaseUrl(cfg)).replace(/\/+$/, '');
  let token: Promise<string> | undefined;
  const call = async <T>(method: string, path: string, body?: unknown) => {
    token ??= fetchToken(baseUrl, ca, creds, dataDir);
    const url = resolveUrl(baseUrl, path);
    const headers: Record<string, string> = { authorization: `Bearer ${await token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await send(url, method, ca, headers, body === undefined ? undefined : JSON.stringify(body), dataDir);
    if (r.status >= 400) throw armFailure(method, url, r);
    return { status: r.status, body: parseJson(r.text) as T };
  };
  return {
    baseUrl,
    dataDir,
    subscriptionId: opts.subscription ?? creds.subscriptionId,
    call,
    request: async <T>(method: string, path: string, body?: unknown) => (await call<T>(method, path, body)).body,
    postFormWithToken: async (path, form, tokenField) => {
      token ??= fetchToken(baseUrl, ca, creds, dataDir);
      const body = new URLSearchParams({ ...form, [tokenField]: await token }).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      return send(resolveUrl(baseUrl, path), 'POST', ca, headers, body, dataDir);
    },
  };
}

function readEndpoint(dataDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'endpoint.json'), 'utf8')) as { baseUrl?: string }).baseUrl;
  } catch {
    // No endpoint file yet: fall back to the configured address, as `openmi env` does.
    return undefined;
  }
}

/**
 * Yields a collection page by page, following `nextLink` until the server says there is no more,
 * so a caller that prints as it goes holds one page at a time (sign-in logs run to millions of rows).
 */
export async function* eachPage<T>(
  client: ArmClient,
  path: string,
  method = 'GET',
  body?: unknown,
): AsyncGenerator<{ value: T[]; page: Json }> {
  let next: string | undefined = path;
  for (let n = 0; next !== undefined; n++) {
    if (n >= 1_000_000) throw new ArmClientError(`gave up following nextLink after ${n} pages of ${path}`);
    const page: Json = (await client.request<Json>(method, next, body)) ?? {};
    yield { value: Array.isArray(page['value']) ? (page['value'] as T[]) : [], page };
    next = typeof page['nextLink'] === 'string' && page['nextLink'] ? page['nextLink'] : undefined;
  }
}

/** Every item of a collection in memory; for collections that stay small (resources, roles). */
export async function listAll<T>(
  client: ArmClient,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ value: T[]; pages: Json[] }> {
  const value: T[] = [];
  const pages: Json[] = [];
  for await (const p of eachPage<T>(client, path, method, body)) {
    pages.push(p.page);
    // One push per item: push(...items) passes every item as an argument and overflows the stack on big pages.
    for (const v of p.value) value.push(v);
  }
  return { value, pages };
}
