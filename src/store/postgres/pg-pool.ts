import pg from 'pg';

const STATEMENT_TIMEOUT_MS = 30_000;
/** Ends sessions whose tx(fn) stalls, so one stuck request cannot hold row locks forever. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/** int8 as a JS number (times are epoch ms); refuses values a number cannot hold exactly. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`PostgreSQL int8 value ${text} is outside the safe integer range`);
  return n;
}

// Per pool, not pg.types.setTypeParser: other pg users in the process keep the default.
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.INT8 ? parseInt8 : (pg.types.getTypeParser(oid, format) as (value: string) => unknown),
};

export function createPool(url: string, o: { max?: number; idleTimeoutMillis?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.max ?? 10,
    ...(o.idleTimeoutMillis === undefined ? {} : { idleTimeoutMillis: o.idleTimeoutMillis }),
    connectionTimeoutMillis: 5_000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    types,
  });
  // An idle client's connection dropped (server restart, network). The pool discards that
  // client by itself; without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Connects once so a wrong URL or a down server fails at start-up with a useful message. */
export async function checkConnection(pool: pg.Pool, url: string): Promise<void> {
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    throw new Error(
      `Cannot connect to PostgreSQL at ${describeTarget(url)}: ${(e as Error).message}. ` +
        'Check that the server is running and reachable from this host, that the database exists, ' +
        'and that the user, password and SSL settings in the URL are right.',
      { cause: e },
    );
  }
}

/** host:port/database (user) as pg resolves them from the URL and PG* variables; never the password. */
export function describeTarget(url: string): string {
  try {
    const c = new pg.Client({ connectionString: url });
    return `${c.host}:${c.port}/${c.database ?? '?'} (user ${c.user ?? '?'})`;
  } catch {
    return '(unparseable PostgreSQL URL)';
  }
}
