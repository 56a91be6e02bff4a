import { hostileString, type Rng } from './hostile.js';
import { serialize, type Case, type Req } from './wire.js';

/**
 * Malformed HTTP/1.1: what a parser must refuse (or survive) rather than any surface. Each goes
 * on a connection of its own, since the server may close it without an answer. `base` is a
 * well-formed request for the target, so the damage lands on a realistic message.
 */
export function malformed(rng: Rng, target: Case['target'], base: Req): Case {
  const good = serialize(base).toString('latin1');
  const headEnd = good.indexOf('\r\n\r\n');
  const [requestLine, ...headerLines] = good.slice(0, headEnd).split('\r\n');
  // Cases that set their own framing drop the request's; the others keep it and its body.
  const headers = headerLines.filter((l) => !/^(content-length|transfer-encoding):/i.test(l)).join('\r\n');
  const framing = headerLines
    .filter((l) => /^(content-length|transfer-encoding):/i.test(l))
    .map((l) => `${l}\r\n`)
    .join('');
  const rest = good.slice(headEnd + 4);
  const c = (text: string | Buffer, extra: Partial<Case> = {}): Case => ({
    target,
    surface: 'http-framing',
    method: base.method,
    bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text,
    fresh: true,
    ...extra,
  });
  switch (rng.int(22)) {
    case 0:
      return c(rng.bytes(1 + rng.int(3000)), { halfClose: true });
    case 1:
      return c(`G@T / HTTP/1.1\r\n${headers}\r\n${framing}\r\n${rest}`);
    case 2:
      return c(
        `${requestLine!.replace('HTTP/1.1', rng.pick(['HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1x', 'HTTPS/1.1', '']))}\r\n${headers}\r\n\r\n`,
        { halfClose: true },
      );
    case 3:
      return c(`${requestLine}\n${headers.replace(/\r\n/g, '\n')}\n${framing.replace(/\r\n/g, '\n')}\n${rest}`, {
        halfClose: true,
      });
    case 4:
      return c(`${requestLine}\r\n${headers}\r\nbad header: x\r\n${framing}\r\n${rest}`);
    case 5:
      return c(`${requestLine}\r\n${headers}\r\nx-no-colon\r\n${framing}\r\n${rest}`);
    case 6:
      return c(`${requestLine}\r\n${headers}\r\nx-fold: a\r\n  folded\r\n${framing}\r\n${rest}`);
    case 7:
      return c(`${requestLine}\r\n${headers}\r\nx-nul: a\u0000b\r\n${framing}\r\n${rest}`);
    case 8:
      return c(`${requestLine}\r\n${headers}\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`);
    case 9:
      return c(`${requestLine}\r\n${headers}\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!`);
    case 10:
      return c(
        `${requestLine}\r\n${headers}\r\ncontent-length: ${rng.pick(['-1', 'abc', '1e3', '99999999999999999999', ' 5', '0x10'])}\r\n\r\n`,
        { halfClose: true },
      );
    case 11:
      return c(
        `${requestLine}\r\n${headers}\r\ntransfer-encoding: chunked\r\n\r\n${rng.pick(['zz', 'ffffffffffffffffff', '-1', '5;ext=\u0000'])}\r\nhello\r\n0\r\n\r\n`,
      );
    case 12:
      return c(`${requestLine}\r\n${headers}\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel`, { halfClose: true });
    case 13:
      return c(`${requestLine}\r\n${headers}\r\ncontent-length: ${1 + rng.int(10_000_000_000)}\r\n\r\nabc`, {
        halfClose: true,
      });
    case 14:
      return c(`${requestLine}\r\n${headers}\r\ntransfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n`);
    case 15:
      return c(`${requestLine}\r\n${headers}\r\nx-big: ${'b'.repeat(70_000)}\r\n${framing}\r\n${rest}`);
    case 16:
      return c(`GET /${'u'.repeat(40_000)} HTTP/1.1\r\n${headers}\r\n\r\n`);
    case 17:
      return c(
        `${requestLine}\r\n${headers
          .split('\r\n')
          .filter((l) => !/^host:/i.test(l))
          .join('\r\n')}\r\n${framing}\r\n${rest}`,
      );
    case 18:
      return c(`${requestLine}\r\n${headers}\r\nhost: second.example\r\n${framing}\r\n${rest}`);
    case 19:
      return c(
        Buffer.concat([
          Buffer.from(
            `GET /\u0001${encodeURI(hostileString(rng, 50).replace(/[\ud800-\udfff]/g, ''))} HTTP/1.1\r\n`,
            'latin1',
          ),
          Buffer.from(`${headers}\r\n\r\n`, 'latin1'),
        ]),
      );
    case 20:
      return c(
        Buffer.concat([
          Buffer.from(`GET /`),
          Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
          Buffer.from(` HTTP/1.1\r\n${headers}\r\n\r\n`, 'latin1'),
        ]),
      );
    default:
      return c(good, { plaintext: true, halfClose: true });
  }
}
