import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  decodeChange,
  dispatchChange,
  encodeChange,
  MISSED_CHANGES,
  type ChangeBus,
  type ChangeHandler,
  type ChangePublisher,
} from '../changes.js';

const MIN_RETRY_MS = 250;
const NOTIFY = 'SELECT pg_notify($1, $2)';
const MAX_RETRY_MS = 5_000;

/**
 * The channel of one installation. Channels are per database, not per schema, so installations
 * (or test runs) sharing a database in separate schemas get channels of their own.
 */
async function channelOf(pool: pg.Pool): Promise<string> {
  const r = await pool.query<{ db: string; schema: string | null }>(
    'SELECT current_database() AS db, current_schema() AS schema',
  );
  const { db, schema } = r.rows[0]!;
  return `openmi_changes_${createHash('sha256')
    .update(`${db}\0${schema ?? ''}`)
    .digest('hex')
    .slice(0, 24)}`;
}

/**
 * LISTEN/NOTIFY (https://www.postgresql.org/docs/current/sql-notify.html). Publishing uses the
 * pool; listening holds one dedicated connection, reopened with backoff when it drops.
 */
export class PgChangeBus implements ChangeBus {
  private readonly origin = randomUUID();
  private readonly handlers = new Set<ChangeHandler>();
  private channel: Promise<string> | undefined;
  private client: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  private name(): Promise<string> {
    this.channel ??= channelOf(this.pool).catch((e: unknown) => {
      this.channel = undefined;
      throw e;
    });
    return this.channel;
  }

  async publish(kind: string, payload: Record<string, unknown>): Promise<void> {
    await this.pool.query(NOTIFY, [await this.name(), encodeChange(this.origin, kind, payload)]);
  }

  /**
   * A publisher for one transaction: pg_notify on the transaction's own connection, which
   * PostgreSQL delivers exactly when that transaction commits and drops if it rolls back
   * (https://www.postgresql.org/docs/current/sql-notify.html).
   */
  transactional(client: pg.ClientBase): ChangePublisher {
    return {
      publish: async (kind, payload) => {
        await client.query(NOTIFY, [await this.name(), encodeChange(this.origin, kind, payload)]);
      },
    };
  }

  subscribe(handler: ChangeHandler): () => void {
    this.handlers.add(handler);
    this.listening ??= this.listen(MIN_RETRY_MS, false);
    return () => this.handlers.delete(handler);
  }

  ready(): Promise<void> {
    this.listening ??= this.listen(MIN_RETRY_MS, false);
    return this.listening;
  }

  /** One connection attempt; on failure (or a later drop) the next one is scheduled. */
  private async listen(delay: number, reconnect: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
    client.on('notification', (m) => this.onNotification(m));
    // 'error' precedes 'end' on a dropped connection; without a listener it would crash the process.
    client.on('error', () => undefined);
    client.on('end', () => this.dropped(client, MIN_RETRY_MS));
    try {
      await client.connect();
      await client.query(`LISTEN ${await this.name()}`);
    } catch (e) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.schedule(Math.min(delay * 2, MAX_RETRY_MS), delay);
      throw e;
    }
    this.client = client;
    if (this.closed) return void (await client.end().catch(() => undefined));
    if (reconnect) dispatchChange(this.handlers, { kind: MISSED_CHANGES, payload: {} });
  }

  private onNotification(m: pg.Notification): void {
    const event = m.payload === undefined ? undefined : decodeChange(m.payload);
    if (event === undefined || event.origin === this.origin) return;
    dispatchChange(this.handlers, { kind: event.kind, payload: event.payload });
  }

  private dropped(client: pg.Client, delay: number): void {
    if (this.client === client) this.client = undefined;
    this.schedule(delay, delay);
  }

  private schedule(next: number, delay: number): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.listen(next, true).catch(() => undefined);
    }, delay);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.handlers.clear();
    const client = this.client;
    this.client = undefined;
    client?.removeAllListeners('end');
    await client?.end().catch(() => undefined);
  }
}
