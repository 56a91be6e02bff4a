import pg from 'pg';

/**
 * First half of the two-key advisory lock ("omi-lead"); the second is a hash of the schema, so
 * installations kept in different schemas of one database (see openPostgresStore) each elect
 * their own leader. Two int4 keys never collide with the one-bigint keys of the install and
 * migration locks: PostgreSQL keeps the two forms apart (pg_locks.objsubid 2 versus 1).
 */
const LEADER_LOCK_CLASS = 0x6f6d696c;
const TRY_LOCK = `SELECT pg_try_advisory_lock(${LEADER_LOCK_CLASS}, hashtext(current_schema())) AS held`;

/**
 * Leadership of housekeeping among the nodes sharing one PostgreSQL store: whoever holds a
 * session-level advisory lock on a connection of its own leads. The lock lives as long as that
 * session does, so when the leader stops, crashes or loses its connection, PostgreSQL releases it
 * and the next node to try takes over (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS).
 * A pooled connection would not do: the pool may close or hand it to others at any time.
 */
export class PgLeadership {
  private client: pg.Client | undefined;
  private leading = false;
  private closed = false;
  private pending: Promise<boolean> | undefined;

  constructor(private readonly url: string) {}

  /** Whether this node leads now; tries to become leader when no one holds the lock. Never throws. */
  tryLead(): Promise<boolean> {
    // One attempt at a time: a second pg_try_advisory_lock on the same session would stack a second hold.
    this.pending ??= this.attempt().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async attempt(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const client = this.client ?? (await this.connect());
      // Already leading: the lock is ours as long as the session answers.
      if (this.leading) await client.query('SELECT 1');
      else this.leading = (await client.query<{ held: boolean }>(TRY_LOCK)).rows[0]?.held === true;
      return this.leading;
    } catch {
      // The session is gone, and with it any lock it held: start over on a new one next time.
      this.drop();
      return false;
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 10_000,
    });
    // A dropped connection must not crash the process; the next attempt notices and reconnects.
    const lost = () => {
      if (this.client === client) this.drop();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    if (this.closed) {
      await client.end();
      throw new Error('closed');
    }
    this.client = client;
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    client?.end().catch(() => undefined);
  }

  /** Ends the session, which releases the lock at once for the next node. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pending?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    await client?.end().catch(() => undefined);
  }
}
