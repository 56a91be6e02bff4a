import { StorageError } from '../blob/blob-errors.js';

/**
 * The wire form of an entity group transaction (learn.microsoft.com/rest/api/storageservices/
 * performing-entity-group-transactions): a `multipart/mixed` batch holding one `multipart/mixed`
 * change set whose parts are `application/http` requests, answered in the same shape.
 */

export interface SubRequest {
  method: string;
  url: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

export interface SubResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

const CRLF = '\r\n';
const REASONS: Record<number, string> = {
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
};

const malformed = (why: string) => new StorageError('InvalidInput', `The batch request body is malformed: ${why}.`);

/** `boundary=` of a multipart Content-Type, quoted or not; bounded as RFC 2046 bounds it (70 characters). */
function boundaryOf(contentType: string | undefined): string {
  const m = /^\s*multipart\/mixed\s*;.*\bboundary="?([^";\s]{1,70})"?/i.exec(contentType ?? '');
  if (!m) throw malformed('the content type is not multipart/mixed with a boundary');
  return m[1]!;
}

/** The parts between `--boundary` lines, up to the closing `--boundary--`. */
function parts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const pieces = body.split(delimiter);
  const closed = pieces.findIndex((p, i) => i > 0 && p.startsWith('--'));
  if (pieces.length < 2 || closed < 0) throw malformed(`no closing --${boundary}--`);
  return pieces.slice(1, closed).map((p) => p.replace(/^\r?\n/, ''));
}

/** Splits `headers CRLF CRLF rest`; header names lower-cased. */
function headed(text: string): { first: string; headers: Record<string, string>; rest: string } {
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const rest = end ? text.slice(end.index + end[0].length) : '';
  const [first = '', ...lines] = head.split(/\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { first, headers, rest };
}

/** The change set's requests. Azure takes one change set per batch (and a lone query, which openmi does not). */
export function parseBatch(body: string, contentType: string | undefined, maxOperations: number): SubRequest[] {
  const batch = parts(body, boundaryOf(contentType));
  if (batch.length !== 1) throw malformed('a batch holds exactly one change set');
  const changeset = headed(`x\r\n${batch[0]!}`);
  const requests = parts(changeset.rest, boundaryOf(changeset.headers['content-type']));
  if (requests.length === 0) throw malformed('the change set is empty');
  if (requests.length > maxOperations)
    throw new StorageError(
      'InvalidInput',
      `${maxOperations - 1}:The batch request operation exceeds the maximum ${maxOperations} changes per change set.`,
    );
  return requests.map(subRequest);
}

function subRequest(part: string): SubRequest {
  const mime = headed(`x\r\n${part}`);
  if (!/^application\/http/i.test(mime.headers['content-type'] ?? ''))
    throw malformed('a change set part is not application/http');
  const http = headed(mime.rest);
  const line = /^([A-Z]+) (\S+) HTTP\/1\.1$/.exec(http.first.trim());
  if (!line) throw malformed('a change set part has no request line');
  return { method: line[1]!, url: line[2]!, headers: http.headers, body: http.rest.trim() };
}

/** The 202 batch response body: one change set response holding `responses` in order. */
export function renderBatch(batchId: string, changesetId: string, responses: SubResponse[]): string {
  const cs = `changesetresponse_${changesetId}`;
  const out = [`--batchresponse_${batchId}`, `Content-Type: multipart/mixed; boundary=${cs}`, ''];
  for (const r of responses) {
    out.push(`--${cs}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '');
    out.push(`HTTP/1.1 ${r.status} ${REASONS[r.status] ?? ''}`.trimEnd());
    for (const [k, v] of Object.entries(r.headers)) out.push(`${k}: ${v}`);
    out.push('', r.body ?? '');
  }
  out.push(`--${cs}--`, `--batchresponse_${batchId}--`, '');
  return out.join(CRLF);
}
