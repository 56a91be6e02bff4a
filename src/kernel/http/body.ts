import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the limit of ${limit} bytes`);
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
 *   its socket paused, so the connection hung in CLOSE-WAIT until the request timeout.
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
