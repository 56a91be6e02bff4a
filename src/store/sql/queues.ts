import type { MessageLease, QueueMessageRecord, QueueRecord, QueueRepo } from '../queues.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { checkLimit } from './paging.js';

interface QueueRow {
  account_key: string;
  name: string;
  metadata: string;
  created_at: number | string;
}
interface MessageRow {
  account_key: string;
  queue: string;
  id: string;
  text: string;
  inserted_at: number | string;
  expires_at: number | string | null;
  visible_at: number | string;
  pop_receipt: string;
  dequeue_count: number | string;
}

const toQueue = (r: QueueRow): QueueRecord => ({
  account: r.account_key,
  name: r.name,
  metadata: fromJson(r.metadata, 'queue metadata'),
  createdAt: Number(r.created_at),
});
const toMessage = (r: MessageRow): QueueMessageRecord => ({
  account: r.account_key,
  queue: r.queue,
  id: r.id,
  text: r.text,
  insertedAt: Number(r.inserted_at),
  expiresAt: r.expires_at === null ? undefined : Number(r.expires_at),
  visibleAt: Number(r.visible_at),
  popReceipt: r.pop_receipt,
  dequeueCount: Number(r.dequeue_count),
});

/** Queues and messages of the queue data plane; queue names are lower-case by rule, compared as given. */
export class SqlQueueRepo implements QueueRepo {
  constructor(private readonly db: Executor) {}

  async createQueue(q: QueueRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      'INSERT INTO storage_queues (account_key, name, metadata, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [lookupKey(q.account), q.name, toJson(q.metadata), q.createdAt],
      `Queue '${q.name}'`,
      q.name,
    );
  }

  async getQueue(account: string, name: string): Promise<QueueRecord | undefined> {
    const r = await this.db.get<QueueRow>('SELECT * FROM storage_queues WHERE account_key = $1 AND name = $2', [
      lookupKey(account),
      name,
    ]);
    return r && toQueue(r);
  }

  async setQueueMetadata(account: string, name: string, metadata: Record<string, string>): Promise<boolean> {
    const { changes } = await this.db.run(
      'UPDATE storage_queues SET metadata = $3 WHERE account_key = $1 AND name = $2',
      [lookupKey(account), name, toJson(metadata)],
    );
    return changes === 1;
  }

  async listQueues(account: string, prefix: string, limit: number, after?: string): Promise<QueueRecord[]> {
    checkLimit(limit);
    const params: (string | number)[] = [lookupKey(account)];
    let where = '';
    if (prefix) {
      params.push(prefix, `${prefix}\u{10FFFF}`);
      where += ` AND name >= $${params.length - 1} AND name < $${params.length}`;
    }
    if (after !== undefined) {
      params.push(after);
      where += ` AND name > $${params.length}`;
    }
    const rows = await this.db.all<QueueRow>(
      `SELECT * FROM storage_queues WHERE account_key = $1${where} ORDER BY name LIMIT ${limit}`,
      params,
    );
    return rows.map(toQueue);
  }

  async deleteQueue(account: string, name: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM storage_queues WHERE account_key = $1 AND name = $2', [
      lookupKey(account),
      name,
    ]);
    return changes === 1;
  }

  async putMessage(m: QueueMessageRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO storage_queue_messages (account_key, queue, id, text, inserted_at, expires_at, visible_at, pop_receipt, dequeue_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        lookupKey(m.account),
        m.queue,
        m.id,
        m.text,
        m.insertedAt,
        m.expiresAt ?? null,
        m.visibleAt,
        m.popReceipt,
        m.dequeueCount,
      ],
    );
  }

  async liveMessages(
    account: string,
    queue: string,
    now: number,
    limit: number,
    all = false,
  ): Promise<QueueMessageRecord[]> {
    checkLimit(limit);
    const rows = await this.db.all<MessageRow>(
      `SELECT * FROM storage_queue_messages WHERE account_key = $1 AND queue = $2 AND (expires_at IS NULL OR expires_at > $3)
       ${all ? '' : 'AND visible_at <= $3'} ORDER BY inserted_at, id LIMIT ${limit}`,
      [lookupKey(account), queue, now],
    );
    return rows.map(toMessage);
  }

  async countMessages(account: string, queue: string, now: number): Promise<number> {
    const r = await this.db.get<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM storage_queue_messages WHERE account_key = $1 AND queue = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [lookupKey(account), queue, now],
    );
    return Number(r?.n ?? 0);
  }

  async getMessage(account: string, queue: string, id: string): Promise<QueueMessageRecord | undefined> {
    const r = await this.db.get<MessageRow>(
      'SELECT * FROM storage_queue_messages WHERE account_key = $1 AND queue = $2 AND id = $3',
      [lookupKey(account), queue, id],
    );
    return r && toMessage(r);
  }

  async leaseMessage(account: string, queue: string, id: string, l: MessageLease): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE storage_queue_messages SET pop_receipt = $5, visible_at = $6, dequeue_count = dequeue_count + $7,
         text = COALESCE($8, text)
       WHERE account_key = $1 AND queue = $2 AND id = $3 AND pop_receipt = $4`,
      [lookupKey(account), queue, id, l.popReceipt, l.newPopReceipt, l.visibleAt, l.dequeue ? 1 : 0, l.text ?? null],
    );
    return changes === 1;
  }

  async deleteMessage(account: string, queue: string, id: string, popReceipt: string): Promise<boolean> {
    const { changes } = await this.db.run(
      'DELETE FROM storage_queue_messages WHERE account_key = $1 AND queue = $2 AND id = $3 AND pop_receipt = $4',
      [lookupKey(account), queue, id, popReceipt],
    );
    return changes === 1;
  }

  async clearMessages(account: string, queue: string): Promise<void> {
    await this.db.run('DELETE FROM storage_queue_messages WHERE account_key = $1 AND queue = $2', [
      lookupKey(account),
      queue,
    ]);
  }
}
