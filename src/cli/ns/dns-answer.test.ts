import { it } from 'node:test';
import assert from 'node:assert/strict';
import { answer, parseQuestion } from './dns-answer.js';

/** A stub resolver's query (RFC 1035 section 4.1): id 0x1234, RD, one question. */
function query(name: string, type = 1, opcode = 0): Buffer {
  const head = Buffer.from([0x12, 0x34, 0x01 | (opcode << 3), 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([head, ...labels, Buffer.from([0, type >> 8, type & 0xff, 0, 1])]);
}
const rcode = (reply: Buffer) => reply.readUInt16BE(2) & 0xf;
const answers = (reply: Buffer) => reply.readUInt16BE(6);

it('reads the question, lower-cased', () => {
  assert.deepEqual(parseQuestion(query('KV1.Vault.Azure.NET', 28)), { name: 'kv1.vault.azure.net', type: 28, end: 37 });
});

it("answers a served name's A query with the local address, echoing id, question and RD", () => {
  const q = query('kv1.vault.azure.net');
  const { reply, verdict } = answer(q, '127.77.0.1');
  assert.equal(verdict, 'served');
  assert.equal(reply.readUInt16BE(0), 0x1234);
  assert.equal(reply.readUInt16BE(2), 0x8180); // QR, RD, RA, NOERROR
  assert.equal(answers(reply), 1);
  assert.deepEqual(reply.subarray(12, q.length), q.subarray(12));
  assert.deepEqual([...reply.subarray(-4)], [127, 77, 0, 1]);
  assert.equal(reply.readUInt32BE(reply.length - 10), 5); // TTL
});

it('gives served names no AAAA (clients fall back to IPv4 at once)', () => {
  const { reply } = answer(query('management.azure.com', 28), '127.77.0.1');
  assert.equal(rcode(reply), 0);
  assert.equal(answers(reply), 0);
});

it('answers NXDOMAIN for Azure names openmi does not serve and for everything else', () => {
  for (const [name, verdict] of [
    ['x.servicebus.windows.net', 'unserved'],
    ['a.b.vault.azure.net', 'unserved'],
    ['example.com', 'other'],
  ]) {
    const r = answer(query(name!), '127.77.0.1');
    assert.equal(r.verdict, verdict, name);
    assert.equal(rcode(r.reply), 3, name);
    assert.equal(answers(r.reply), 0, name);
  }
});

it('refuses what it cannot read: FORMERR for garbage, NOTIMP for other opcodes, nothing for a runt', () => {
  assert.equal(rcode(answer(Buffer.concat([query('a.b'), Buffer.alloc(600)]), '127.77.0.1').reply), 1);
  assert.equal(rcode(answer(Buffer.from([1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 99]), '127.77.0.1').reply), 1);
  assert.equal(rcode(answer(query('management.azure.com', 1, 2), '127.77.0.1').reply), 4);
  assert.equal(answer(Buffer.alloc(5), '127.77.0.1').reply.length, 0);
});
