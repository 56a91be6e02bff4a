/** Records and repository of the queue data plane (docs/data-planes.md), apart from store.ts to keep it small. */

export interface QueueRecord {
  account: string;
  name: string;
  metadata: Record<string, string>;
  createdAt: number;
}

export interface QueueMessageRecord {
  account: string;
  queue: string;
  id: string;
  text: string;
  insertedAt: number;
  /** Undefined: the message never expires (messagettl -1). */
  expiresAt: number | undefined;
  visibleAt: number;
  popReceipt: string;
  dequeueCount: number;
}

/** A new visibility for one message, granted only while it still carries `popReceipt`. */
export interface MessageLease {
  popReceipt: string;
  newPopReceipt: string;
  visibleAt: number;
  /** Counts a receive (Get Messages); an update leaves the count alone. */
  dequeue: boolean;
  /** Replaces the text (Update Message with a body). */
  text?: string;
}

export interface QueueRepo {
  /** Throws conflict when the queue exists. */
  createQueue(q: QueueRecord): Promise<void>;
  getQueue(account: string, name: string): Promise<QueueRecord | undefined>;
  setQueueMetadata(account: string, name: string, metadata: Record<string, string>): Promise<boolean>;
  /** Ordered by name; names start with `prefix`; `after` is the last name of the previous page. */
  listQueues(account: string, prefix: string, limit: number, after?: string): Promise<QueueRecord[]>;
  /** Its messages go with it. */
  deleteQueue(account: string, name: string): Promise<boolean>;
  putMessage(m: QueueMessageRecord): Promise<void>;
  /** Live messages (not expired at `now`), oldest first; only the visible ones unless `all`. */
  liveMessages(
    account: string,
    queue: string,
    now: number,
    limit: number,
    all?: boolean,
  ): Promise<QueueMessageRecord[]>;
  /** Live messages, visible or not (Get Queue Metadata's approximate count). */
  countMessages(account: string, queue: string, now: number): Promise<number>;
  getMessage(account: string, queue: string, id: string): Promise<QueueMessageRecord | undefined>;
  /** False when the message is gone or its pop receipt changed meanwhile (another receiver won). */
  leaseMessage(account: string, queue: string, id: string, lease: MessageLease): Promise<boolean>;
  deleteMessage(account: string, queue: string, id: string, popReceipt: string): Promise<boolean>;
  clearMessages(account: string, queue: string): Promise<void>;
}
