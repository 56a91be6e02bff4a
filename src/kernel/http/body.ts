import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    message = `request body exceeds the limit of ${limit} bytes`,
  ) {
    super(message);
  }
}

/**
 * Pieces of a body free of charge, and then one more per this many bytes: a body may arrive in
 * pieces of any size, but not mostly in tiny ones.
 *
 * Why: Node parses and hands over each chunk of a chunked body on its own, ~2 µs each whatever its
 * size, so 4 MiB sent as 1-byte chunks (25 MB on the wire) cost the server 11 s of CPU before the
 * body limit was even reached: one unauthenticated token request that starved every other (found
 * by the fuzz suite under load, docs/security.md "Bodies in tiny chunks"). The allowance keeps
 * every real client's pieces (SDKs send Content-Length or 8 KiB+ chunks; a stream of 100-byte
 * lines is well within it) and bounds a request's parsing to about 16,384 + limit/64 pieces.
 */
export const FREE_BODY_PIECES = 16_384;
export const BYTES_PER_PIECE = 64;

/** True once `pieces` pieces carrying `bytes` bytes in all are more than a body may take. */
export const tooFragmented = (pieces: number, bytes: number): boolean =>
  pieces > FREE_BODY_PIECES && pieces > FREE_BODY_PIECES + bytes / BYTES_PER_PIECE;

/**
 * What a surface says for a refused body: its own words for one too large, the piece count and
 * the fix for one in too many pieces (whose size may be small: "send less" would mislead).
 */
export const bodyRefusal = (err: BodyTooLargeError, tooLarge: string): string =>
  err instanceof BodyTooFragmentedError ? `${err.message}.` : tooLarge;

/** A body refused for arriving in too many tiny pieces: answered as too large, saying what to change. */
export class BodyTooFragmentedError extends BodyTooLargeError {
  constructor(limit: number, pieces: number, bytes: number) {
    super(
      limit,
      `request body arrived in ${pieces} pieces for ${bytes} bytes, more than ${FREE_BODY_PIECES} pieces plus one per ${BYTES_PER_PIECE} bytes; send it with Content-Length or in larger chunks`,
    );
  }
}

/**
 * Reads the whole body, refusing more than `limit` bytes. The Content-Length is checked first so
 * an oversized upload is refused before it is read; chunked bodies are counted as they arrive.
 *
 * Found by the fuzz suite (test/fuzz/, docs/security.md), hence two choices:
 * - each piece is copied into one growing buffer rather than kept: a chunked body of 1-byte
 *   chunks arrives as millions of 1-byte views, each an object pinning its socket read buffer,
 *   which cost the server hundreds of MiB for one request under `limit`;
 * - past the limit the rest is read and dropped, never left unread: a destroyed request leaves
 *   its socket paused, so the connection hung in CLOSE-WAIT until the request timeout. Once the
 *   refusal is answered, the listener's guard closes the connection (kernel/http/guard.ts).
 * - a body in too many tiny pieces is refused as it arrives (`tooFragmented`).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limit));
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    let out = Buffer.allocUnsafe(Math.min(declared > 0 ? declared : 16 * 1024, limit));
    let size = 0;
    let pieces = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(out.subarray(0, size));
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      if (size + chunk.length > limit) return finish(new BodyTooLargeError(limit));
      if (tooFragmented(++pieces, size + chunk.length))
        return finish(new BodyTooFragmentedError(limit, pieces, size + chunk.length));
      if (size + chunk.length > out.length) {
        const grown = Buffer.allocUnsafe(Math.min(Math.max(out.length * 2, size + chunk.length), limit));
        out.copy(grown, 0, 0, size);
        out = grown;
      }
      size += chunk.copy(out, size);
    });
    req.once('end', () => finish());
    req.once('error', finish);
    // Closed before its end: the caller went away mid-body. Every request emits 'close' after its
    // response, so the error (a stack trace, several µs) is made only when it is still owed
    // (docs/performance.md).
    req.once('close', () => {
      if (!done) finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  });
}
