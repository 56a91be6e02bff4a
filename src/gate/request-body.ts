import type { IncomingMessage, ServerResponse } from 'node:http';
import { tooFragmented } from '../kernel/http/body.js';

/**
 * Request bodies up to this size are read whole before they are sent upstream: they go out in one
 * write with the head (an upstream that refuses the head early cannot reset the connection under a
 * half-sent body), and an idempotent request can be sent again. Larger ones are streamed; the gate
 * holds at most this much plus one chunk of any body.
 */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

/**
 * What the gate forwards as the body: nothing, the whole body (in memory, so it can be sent again),
 * or what was read of it so far (`head`) followed by the rest of the client's stream.
 */
export type GateBody =
  | { kind: 'none' }
  | { kind: 'whole'; bytes: Buffer }
  | { kind: 'stream'; head: Buffer[]; rest: IncomingMessage }
  /** Refused: in too many tiny pieces (kernel/http/body.ts `tooFragmented`). */
  | { kind: 'fragmented'; pieces: number; bytes: number };

/**
 * Counts a streamed body's pieces as they pass, from those read before, and calls `refuse` once
 * they are too many for its bytes: the gate parses and forwards each piece on its own, so a
 * stream of 1-byte chunks would cost it (and the upstream) a write per byte.
 */
export function watchPieces(
  rest: IncomingMessage,
  head: readonly Buffer[],
  refuse: (pieces: number, bytes: number) => void,
): void {
  let pieces = head.length;
  let bytes = head.reduce((n, c) => n + c.length, 0);
  const onData = (c: Buffer): void => {
    bytes += c.length;
    if (!tooFragmented(++pieces, bytes)) return;
    rest.off('data', onData);
    refuse(pieces, bytes);
  };
  rest.on('data', onData);
}

/** Whether the client asked to be told before it sends the body (RFC 9110 §10.1.1; ignored for HTTP/1.0). */
export function expectsContinue(req: IncomingMessage): boolean {
  return req.httpVersion !== '1.0' && /(?:^|[\s,])100-continue(?:$|[\s,;])/i.test(req.headers.expect ?? '');
}

/**
 * Reads a body of at most `limit` bytes whole; a body declared longer is not read at all, and a
 * chunked one that grows past `limit` stops being read there. Resolves undefined if the client
 * goes away first. A client waiting for 100 (Continue) gets it only when the body is read here.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<GateBody | undefined> {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
    return Promise.resolve({ kind: 'none' });
  // Node has already refused a Content-Length that is not one decimal number.
  if (Number(req.headers['content-length']) > limit) return Promise.resolve({ kind: 'stream', head: [], rest: req });
  if (expectsContinue(req)) res.writeContinue();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (body: GateBody | undefined): void => {
      req.off('data', onData).off('end', onEnd).off('close', onGone).off('error', onGone);
      resolve(body);
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      size += c.length;
      if (tooFragmented(chunks.length, size)) return done({ kind: 'fragmented', pieces: chunks.length, bytes: size });
      if (size <= limit) return;
      req.pause();
      done({ kind: 'stream', head: chunks, rest: req });
    };
    const onEnd = (): void => done({ kind: 'whole', bytes: Buffer.concat(chunks, size) });
    const onGone = (): void => done(undefined);
    req.on('data', onData).on('end', onEnd).on('close', onGone).on('error', onGone);
  });
}
