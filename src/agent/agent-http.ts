import { request, type Agent } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { UpstreamRefusal, UpstreamUnavailable } from './upstream.js';

/** Every protocol answer is a small JSON document; more than this is not the openmi server talking. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpCall {
  agent: Agent;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * Only https, and only with the caller's agent (whose `ca` is the openmi CA): the assertion and
 * the tokens must never cross a connection we did not authenticate.
 */
export function normalizeServerUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.protocol !== 'https:')
    throw new Error(`the openmi server URL must be https (got ${url.protocol}//${url.host})`);
  if (url.search !== '' || url.hash !== '') throw new Error('the openmi server URL must have no query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function collect(res: IncomingMessage, resolve: (a: HttpAnswer) => void, fail: (e: Error) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) res.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
    else chunks.push(chunk);
  });
  res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
  res.on('error', fail);
  res.on('close', () => {
    if (!res.complete) fail(new Error('connection closed before the answer was complete'));
  });
}

/** One HTTPS exchange with an overall deadline. Any failure to get an answer is UpstreamUnavailable. */
export function send(call: HttpCall): Promise<HttpAnswer> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    const fail = (err: Error) => reject(new UpstreamUnavailable(`${call.method} ${call.url} failed: ${err.message}`));
    const req = request(call.url, { method: call.method, headers, agent: call.agent }, (res) =>
      collect(res, resolve, fail),
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${call.timeoutMs / 1000} s`)),
      call.timeoutMs,
    );
    req.on('close', () => clearTimeout(timer));
    req.on('error', fail);
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Maps an answer to the contract of upstream.ts: 2xx → its JSON; a JSON 4xx is the server's
 * considered refusal; anything else (5xx, or a 4xx that is not the server's JSON, e.g. from a
 * proxy in between) is "unavailable", so cached tokens keep being served.
 */
export function interpret(call: HttpCall, answer: HttpAnswer): unknown {
  const json = parseJson(answer.text);
  if (answer.status >= 200 && answer.status < 300) {
    if (answer.text !== '' && json === undefined)
      throw new UpstreamUnavailable(`${call.method} ${call.url} answered ${answer.status} with a non-JSON body`);
    return json;
  }
  if (answer.status >= 400 && answer.status < 500 && isErrorBody(json)) {
    throw new UpstreamRefusal(answer.status, json.error, json.error_description ?? json.error);
  }
  throw new UpstreamUnavailable(
    `${call.method} ${call.url} answered ${answer.status}${answer.status >= 500 ? '' : ' without an openmi error body'}`,
  );
}

function isErrorBody(json: unknown): json is { error: string; error_description?: string } {
  if (typeof json !== 'object' || json === null) return false;
  const body = json as Record<string, unknown>;
  return (
    typeof body.error === 'string' &&
    (body.error_description === undefined || typeof body.error_description === 'string')
  );
}
