import { azureHostKind } from '../../wire/azure-hosts.js';

/**
 * The DNS answers of the resolver inside `openmi run --transparent`'s namespace
 * (docs/clients.md#transparent-mode): just enough of RFC 1035 (section 4.1) for a stub resolver's
 * one-question queries, so a wildcard such as `{vault}.vault.azure.net`, which a hosts file
 * cannot hold, resolves to the namespace's local listener.
 */

/** RFC 1035 section 4.2.1: a UDP message is at most 512 bytes (larger EDNS queries are refused). */
export const MAX_DNS_MESSAGE = 512;
const HEADER = 12;
const TYPE_A = 1;
const CLASS_IN = 1;
const RCODE = { ok: 0, formErr: 1, nxDomain: 3, notImp: 4 } as const;
/** Short, so a name's answer never outlives the run that gave it. */
const TTL_SECONDS = 5;

export interface Question {
  name: string;
  type: number;
  /** Offset just past the question: the answer repeats bytes 12..end. */
  end: number;
}

/** The first question of a query, or undefined when the message is not one we can read. */
export function parseQuestion(msg: Buffer): Question | undefined {
  if (msg.length < HEADER + 5 || msg.length > MAX_DNS_MESSAGE) return undefined;
  if (msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = HEADER;
  for (;;) {
    const len = msg[at];
    if (len === undefined || len > 63) return undefined; // no compression in a question
    at += 1;
    if (len === 0) break;
    if (at + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', at, at + len));
    at += len;
  }
  if (at + 4 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at), end: at + 4 };
}

/** What the namespace answers for a name: `served` names get `address`, others do not exist. */
export type Verdict = 'served' | 'unserved' | 'other';

export function verdictFor(name: string): Verdict {
  return azureHostKind(name) ?? 'other';
}

function header(query: Buffer, rcode: number, answers: number, questions: number): Buffer {
  const h = Buffer.alloc(HEADER);
  query.copy(h, 0, 0, 2);
  const opcode = (query.readUInt16BE(2) >> 11) & 0xf;
  const rd = query.readUInt16BE(2) & 0x0100;
  // QR, the query's opcode and RD, RA (we answer recursively for the names we know).
  h.writeUInt16BE(0x8000 | (opcode << 11) | rd | 0x0080 | rcode, 2);
  h.writeUInt16BE(questions, 4);
  h.writeUInt16BE(answers, 6);
  return h;
}

function aRecord(address: string): Buffer {
  const r = Buffer.alloc(16);
  r.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
  r.writeUInt16BE(TYPE_A, 2);
  r.writeUInt16BE(CLASS_IN, 4);
  r.writeUInt32BE(TTL_SECONDS, 6);
  r.writeUInt16BE(4, 10);
  address.split('.').forEach((octet, i) => r.writeUInt8(Number(octet), 12 + i));
  return r;
}

/**
 * The reply to one query. Served Azure names: an A record for `address` (other types get an
 * empty answer, so clients fall back to IPv4 at once). Everything else: NXDOMAIN, so a lookup of
 * an Azure name openmi does not serve, or of anything on the internet, fails at once.
 */
export function answer(query: Buffer, address: string): { reply: Buffer; question?: Question; verdict?: Verdict } {
  if (query.length < HEADER) return { reply: Buffer.alloc(0) };
  const q = parseQuestion(query);
  if (!q) return { reply: header(query, RCODE.formErr, 0, 0) };
  const question = query.subarray(HEADER, q.end);
  if (((query.readUInt16BE(2) >> 11) & 0xf) !== 0) {
    return { reply: Buffer.concat([header(query, RCODE.notImp, 0, 1), question]), question: q };
  }
  const verdict = verdictFor(q.name);
  if (verdict !== 'served') {
    return { reply: Buffer.concat([header(query, RCODE.nxDomain, 0, 1), question]), question: q, verdict };
  }
  const records = q.type === TYPE_A ? [aRecord(address)] : [];
  return {
    reply: Buffer.concat([header(query, RCODE.ok, records.length, 1), question, ...records]),
    question: q,
    verdict,
  };
}
