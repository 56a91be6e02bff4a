import { connect } from 'node:net';

export interface RawReply {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  text: string;
}

/**
 * Sends one request written byte for byte (node:http would fix up a missing or odd Host, or
 * refuse to send control characters) and reads the answer until the server closes.
 * `head` is the request line and headers without the final blank line; `Connection: close` is added.
 */
export function rawRequest(port: number, head: string, body = '', timeoutMs = 5_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer within ${timeoutMs} ms to ${head.split('\r\n')[0]}`)),
    );
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(parseReply(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
    const length = body === '' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    // write, not end: a half-closed socket makes node:http drop a request that is still being answered.
    socket.write(`${head}\r\n${length}Connection: close\r\n\r\n${body}`);
  });
}

function parseReply(raw: string): RawReply {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let text = raw.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') text = unchunk(text);
  return { status: Number(statusLine!.split(' ')[1]), headers, text };
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
