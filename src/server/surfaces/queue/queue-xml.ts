import type { QueueMessageRecord, QueueRecord } from '../../../store/queues.js';
import { xml } from '../blob/blob-errors.js';
import { httpDate } from '../blob/blob-xml.js';

const HEAD = '<?xml version="1.0" encoding="utf-8"?>';
const el = (name: string, v: string | number | undefined): string =>
  v === undefined || v === '' ? `<${name} />` : `<${name}>${xml(String(v))}</${name}>`;
/** What Azure writes for a message sent with messagettl -1. */
const NEVER = 'Fri, 31 Dec 9999 23:59:59 GMT';

export interface QueueListing {
  prefix: string;
  marker: string;
  max: number;
  queues: QueueRecord[];
  withMetadata: boolean;
  next: string | undefined;
}

export function queuesXml(endpoint: string, l: QueueListing): string {
  const meta = (q: QueueRecord) =>
    l.withMetadata
      ? `<Metadata>${Object.entries(q.metadata)
          .map(([k, v]) => el(k, v))
          .join('')}</Metadata>`
      : '';
  const body = l.queues.map((q) => `<Queue>${el('Name', q.name)}${meta(q)}</Queue>`).join('');
  return (
    `${HEAD}<EnumerationResults ServiceEndpoint="${xml(endpoint)}">${el('Prefix', l.prefix)}${el('Marker', l.marker)}` +
    `${el('MaxResults', l.max)}<Queues>${body}</Queues>${el('NextMarker', l.next)}</EnumerationResults>`
  );
}

/** The three forms of a message in Azure's responses: as sent, as received, as peeked. */
export function messagesXml(ms: QueueMessageRecord[], form: 'sent' | 'received' | 'peeked'): string {
  const one = (m: QueueMessageRecord) =>
    `<QueueMessage>${el('MessageId', m.id)}${el('InsertionTime', httpDate(m.insertedAt))}` +
    el('ExpirationTime', m.expiresAt === undefined ? NEVER : httpDate(m.expiresAt)) +
    (form === 'peeked' ? '' : `${el('PopReceipt', m.popReceipt)}${el('TimeNextVisible', httpDate(m.visibleAt))}`) +
    (form === 'sent' ? '' : `${el('DequeueCount', m.dequeueCount)}${el('MessageText', m.text)}`) +
    '</QueueMessage>';
  return `${HEAD}<QueueMessagesList>${ms.map(one).join('')}</QueueMessagesList>`;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** `<QueueMessage><MessageText>…</MessageText></QueueMessage>` → the text, entities decoded; undefined without one. */
export function messageTextOf(body: string): string | undefined {
  const m = /<MessageText>([\s\S]*?)<\/MessageText>|<MessageText\s*\/>/.exec(body);
  if (!m) return undefined;
  return (m[1] ?? '').replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? all;
  });
}
