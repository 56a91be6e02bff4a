import type { Clock } from '../../../kernel/clock.js';
import type { Random } from '../../../kernel/ids.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import { BodyTooLargeError, bodyRefusal, readBody } from '../../../kernel/http/body.js';
import { isDomainError } from '../../../kernel/errors.js';
import type { Store } from '../../../store/store.js';
import type { QueueMessageRecord } from '../../../store/queues.js';
import { StorageError, versionOf } from '../blob/blob-errors.js';
import { httpDate } from '../blob/blob-xml.js';
import type { QueueOperation } from './queue-operations.js';
import { messagesXml, messageTextOf, queuesXml } from './queue-xml.js';
import { QUEUE_NAME } from '../../storage-accounts/account-children.js';

/** Azure's limits (learn.microsoft.com/rest/api/storageservices/put-message, get-messages). */
const MAX_MESSAGE_BYTES = 64 * 1024;
const MAX_VISIBILITY_S = 7 * 24 * 3600;
const DEFAULT_TTL_S = 7 * 24 * 3600;
const DEFAULT_RECEIVE_VISIBILITY_S = 30;
const MAX_MESSAGES = 32;

export interface QueueTarget {
  ctx: RequestContext;
  op: QueueOperation;
  account: string;
  endpoint: string;
}

const notFound = () => new StorageError('QueueNotFound', 'The specified queue does not exist.');

/** An integer query parameter within [min, max], `fallback` when absent (OutOfRangeQueryParameterValue otherwise). */
function intParam(t: QueueTarget, name: string, min: number, max: number, fallback?: number): number {
  const raw = t.ctx.query.get(name);
  if (raw === null) {
    if (fallback !== undefined) return fallback;
    throw new StorageError(
      'MissingRequiredQueryParameter',
      `A query parameter that's mandatory for this request is not specified: ${name}.`,
    );
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new StorageError('OutOfRangeQueryParameterValue', `The value for ${name} must be between ${min} and ${max}.`);
  return n;
}

const metadataOf = (t: QueueTarget): Record<string, string> =>
  Object.fromEntries(
    Object.entries(t.ctx.req.headers)
      .filter(([k]) => k.startsWith('x-ms-meta-'))
      .map(([k, v]) => [k.slice(10), String(v)]),
  );

export class QueueHandlers {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  handle(t: QueueTarget): Promise<void> {
    return this[t.op.name](t);
  }

  private send(t: QueueTarget, status: number, headers: Record<string, string>, body = ''): void {
    t.ctx.res.writeHead(status, {
      'x-ms-request-id': t.ctx.requestId,
      'x-ms-version': versionOf(t.ctx),
      date: httpDate(this.clock.now()),
      'content-length': String(Buffer.byteLength(body)),
      ...(body ? { 'content-type': 'application/xml' } : {}),
      ...headers,
    });
    t.ctx.res.end(t.ctx.method === 'HEAD' ? '' : body);
  }

  private receipt = (): string => this.random.bytes(16).toString('base64url');

  private async queue(t: QueueTarget) {
    const q = await this.store.queues.getQueue(t.account, t.op.queue!);
    if (!q) throw notFound();
    return q;
  }

  private async ListQueues(t: QueueTarget): Promise<void> {
    const q = t.ctx.query;
    // A zero, negative or fractional maxresults must not reach the store's LIMIT (fuzz suite).
    const max = Math.min(Math.max(Math.trunc(Number(q.get('maxresults') ?? 5000) || 5000), 1), 5000);
    const prefix = q.get('prefix') ?? '';
    const marker = q.get('marker') ?? '';
    const items = await this.store.queues.listQueues(t.account, prefix, max + 1, marker || undefined);
    const queues = items.slice(0, max);
    const next = items.length > max ? queues[queues.length - 1]!.name : undefined;
    const withMetadata = (q.get('include') ?? '').split(',').includes('metadata');
    this.send(t, 200, {}, queuesXml(t.endpoint, { prefix, marker, max, queues, withMetadata, next }));
  }

  /** An existing queue with the same metadata is 204, with other metadata 409 (Create Queue). */
  private async CreateQueue(t: QueueTarget): Promise<void> {
    const name = t.op.queue!;
    if (!QUEUE_NAME.test(name))
      throw new StorageError('InvalidResourceName', 'The specifed resource name contains invalid characters.');
    const metadata = metadataOf(t);
    try {
      await this.store.queues.createQueue({ account: t.account, name, metadata, createdAt: this.clock.now() });
      return this.send(t, 201, {});
    } catch (e) {
      if (!isDomainError(e) || e.kind !== 'conflict') throw e;
    }
    const existing = await this.store.queues.getQueue(t.account, name);
    if (existing && JSON.stringify(existing.metadata) === JSON.stringify(metadata)) return this.send(t, 204, {});
    throw new StorageError('QueueAlreadyExists', 'The specified queue already exists.');
  }

  private async DeleteQueue(t: QueueTarget): Promise<void> {
    if (!(await this.store.queues.deleteQueue(t.account, t.op.queue!))) throw notFound();
    this.send(t, 204, {});
  }

  private async GetQueueMetadata(t: QueueTarget): Promise<void> {
    const q = await this.queue(t);
    const count = await this.store.queues.countMessages(t.account, q.name, this.clock.now());
    const meta = Object.fromEntries(Object.entries(q.metadata).map(([k, v]) => [`x-ms-meta-${k}`, v]));
    this.send(t, 200, { 'x-ms-approximate-messages-count': String(count), ...meta });
  }

  private async SetQueueMetadata(t: QueueTarget): Promise<void> {
    if (!(await this.store.queues.setQueueMetadata(t.account, t.op.queue!, metadataOf(t)))) throw notFound();
    this.send(t, 204, {});
  }

  private async text(t: QueueTarget, required: boolean): Promise<string | undefined> {
    let raw: Buffer;
    try {
      // The XML envelope and entity escaping around a 64 KiB message stay well under twice its size.
      raw = await readBody(t.ctx.req, 2 * MAX_MESSAGE_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLargeError)
        throw new StorageError(
          'RequestBodyTooLarge',
          bodyRefusal(e, 'The request body is too large and exceeds the maximum permissible limit.'),
        );
      throw e;
    }
    const text = raw.length ? messageTextOf(raw.toString('utf8')) : undefined;
    if (text === undefined && required)
      throw new StorageError('InvalidXmlDocument', 'XML specified is not syntactically valid.');
    if (text !== undefined && Buffer.byteLength(text) > MAX_MESSAGE_BYTES)
      throw new StorageError('RequestBodyTooLarge', 'The message exceeds 64 KiB.');
    return text;
  }

  private async PutMessage(t: QueueTarget): Promise<void> {
    await this.queue(t);
    const ttl = intParam(t, 'messagettl', -1, Number.MAX_SAFE_INTEGER, DEFAULT_TTL_S);
    if (ttl === 0) throw new StorageError('OutOfRangeQueryParameterValue', 'messagettl must be -1 or positive.');
    const visibility = intParam(
      t,
      'visibilitytimeout',
      0,
      Math.min(MAX_VISIBILITY_S, ttl === -1 ? MAX_VISIBILITY_S : ttl - 1),
      0,
    );
    const now = this.clock.now();
    const m: QueueMessageRecord = {
      account: t.account,
      queue: t.op.queue!,
      id: this.random.uuid(),
      text: (await this.text(t, true))!,
      insertedAt: now,
      expiresAt: ttl === -1 ? undefined : now + ttl * 1000,
      visibleAt: now + visibility * 1000,
      popReceipt: this.receipt(),
      dequeueCount: 0,
    };
    await this.store.queues.putMessage(m);
    this.send(t, 201, {}, messagesXml([m], 'sent'));
  }

  private async PeekMessages(t: QueueTarget): Promise<void> {
    await this.queue(t);
    const n = intParam(t, 'numofmessages', 1, MAX_MESSAGES, 1);
    const ms = await this.store.queues.liveMessages(t.account, t.op.queue!, this.clock.now(), n);
    this.send(t, 200, {}, messagesXml(ms, 'peeked'));
  }

  /** Each candidate is claimed by its current pop receipt, so two receivers never both get one message. */
  private async GetMessages(t: QueueTarget): Promise<void> {
    await this.queue(t);
    const n = intParam(t, 'numofmessages', 1, MAX_MESSAGES, 1);
    const visibility = intParam(t, 'visibilitytimeout', 1, MAX_VISIBILITY_S, DEFAULT_RECEIVE_VISIBILITY_S);
    const now = this.clock.now();
    const out: QueueMessageRecord[] = [];
    for (const m of await this.store.queues.liveMessages(t.account, t.op.queue!, now, n)) {
      const lease = {
        popReceipt: m.popReceipt,
        newPopReceipt: this.receipt(),
        visibleAt: now + visibility * 1000,
        dequeue: true,
      };
      if (await this.store.queues.leaseMessage(t.account, m.queue, m.id, lease))
        out.push({
          ...m,
          popReceipt: lease.newPopReceipt,
          visibleAt: lease.visibleAt,
          dequeueCount: m.dequeueCount + 1,
        });
    }
    this.send(t, 200, {}, messagesXml(out, 'received'));
  }

  private async ClearMessages(t: QueueTarget): Promise<void> {
    await this.queue(t);
    await this.store.queues.clearMessages(t.account, t.op.queue!);
    this.send(t, 204, {});
  }

  /** 404 MessageNotFound when it is gone, 400 PopReceiptMismatch when another receive took it since. */
  private async leased(t: QueueTarget): Promise<{ m: QueueMessageRecord; popReceipt: string }> {
    const popReceipt = t.ctx.query.get('popreceipt');
    if (!popReceipt)
      throw new StorageError(
        'MissingRequiredQueryParameter',
        "A query parameter that's mandatory for this request is not specified: popreceipt.",
      );
    await this.queue(t);
    const m = await this.store.queues.getMessage(t.account, t.op.queue!, t.op.messageId!);
    if (!m || (m.expiresAt !== undefined && m.expiresAt <= this.clock.now()))
      throw new StorageError('MessageNotFound', 'The specified message does not exist.');
    if (m.popReceipt !== popReceipt)
      throw new StorageError(
        'PopReceiptMismatch',
        'The specified pop receipt did not match the pop receipt for a dequeued message.',
      );
    return { m, popReceipt };
  }

  private async DeleteMessage(t: QueueTarget): Promise<void> {
    const { m, popReceipt } = await this.leased(t);
    if (!(await this.store.queues.deleteMessage(t.account, m.queue, m.id, popReceipt)))
      throw new StorageError(
        'PopReceiptMismatch',
        'The specified pop receipt did not match the pop receipt for a dequeued message.',
      );
    this.send(t, 204, {});
  }

  private async UpdateMessage(t: QueueTarget): Promise<void> {
    const { m, popReceipt } = await this.leased(t);
    const visibility = intParam(t, 'visibilitytimeout', 0, MAX_VISIBILITY_S);
    const text = await this.text(t, false);
    const lease = {
      popReceipt,
      newPopReceipt: this.receipt(),
      visibleAt: this.clock.now() + visibility * 1000,
      dequeue: false,
      ...(text === undefined ? {} : { text }),
    };
    if (!(await this.store.queues.leaseMessage(t.account, m.queue, m.id, lease)))
      throw new StorageError(
        'PopReceiptMismatch',
        'The specified pop receipt did not match the pop receipt for a dequeued message.',
      );
    this.send(t, 204, { 'x-ms-popreceipt': lease.newPopReceipt, 'x-ms-time-next-visible': httpDate(lease.visibleAt) });
  }
}
