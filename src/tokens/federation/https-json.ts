import { request } from 'node:https';

/** Fetches a JSON document; rejects with an Error whose message says what went wrong. */
export type JsonFetcher = (url: string) => Promise<unknown>;

export interface HttpsJsonOptions {
  /** Extra trust anchors (PEM). Default: Node's CA store (plus NODE_EXTRA_CA_CERTS). */
  ca?: string;
  /** Whole request, connect to last byte. Default 5 s: token requests wait on this. */
  timeoutMs?: number;
  /** Default 256 KiB: discovery documents and JWKS are a few KiB. */
  maxBytes?: number;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
export const DEFAULT_FETCH_MAX_BYTES = 256 * 1024;

function requireHttps(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`'${url.slice(0, 200)}' is not a URL`);
  }
  // Keys fetched over plain HTTP could be swapped by anyone on the path: refuse them outright.
  if (u.protocol !== 'https:') throw new Error(`${u.origin} is not https; signing keys are only fetched over https`);
  return u;
}

/**
 * A JsonFetcher over HTTPS: no redirects (keys must come from the URL the issuer names), one
 * deadline for the whole exchange, and a size bound enforced while reading.
 */
export function httpsJsonFetcher(opts: HttpsJsonOptions = {}): JsonFetcher {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;
  return (url) =>
    new Promise((resolve, reject) => {
      const u = requireHttps(url);
      const signal = AbortSignal.timeout(timeoutMs);
      const req = request(u, { method: 'GET', headers: { accept: 'application/json' }, signal, ...(opts.ca ? { ca: opts.ca } : {}) }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`GET ${u.href} answered HTTP ${res.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxBytes) return void chunks.push(c);
          // Reject first: the destroy that stops the download surfaces as a second, ignored error.
          reject(new Error(`GET ${u.href} returned more than ${maxBytes} bytes`));
          req.destroy();
        });
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error(`GET ${u.href} did not return JSON`));
          }
        });
      });
      req.on('error', (e) => reject(signal.aborted ? new Error(`GET ${u.href} timed out after ${timeoutMs} ms`) : new Error(`GET ${u.href} failed: ${e.message}`)));
      req.end();
    });
}
