import { destination as pinoDestination, pino, symbols, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Secrets never reach a log line: the request logger records method,
 * path and status only, and these paths are redacted defensively in case an object slips in.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const opts = {
    level,
    base: { svc: 'openmi' },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        'req.headers.authorization',
        'client_secret',
        '*.client_secret',
        'clientSecret',
        '*.clientSecret',
        'access_token',
        '*.access_token',
        'client_assertion',
        '*.client_assertion',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(opts, destination ? (destination as DestinationStream) : stdoutLines());
}

/**
 * Standard output, written off the event loop. pino's default writes each line with a blocking
 * write(2): with an access line per request that was ~6% of the server's main-thread time per
 * token (docs/performance.md). Lines that arrive while a write is under way go out together in
 * the next one. pino flushes what is left synchronously when the process exits (exit, a fatal
 * error, SIGTERM's shutdown); only SIGKILL can lose the last few milliseconds of lines, which are
 * operational output: the audit, activity and sign-in logs live in the store.
 */
function stdoutLines(): DestinationStream {
  return pinoDestination({ dest: 1, sync: false });
}

/**
 * A logger for access lines, on `log`'s destination and level, without redaction: redaction walks
 * every member of every line (its paths have wildcards), ~7 µs a line, twice what the line costs,
 * and an access line holds only what the listener puts there (ids, method, query-less path,
 * status, duration), never a header or a body.
 */
export function accessLogger(log: Logger): Logger {
  const destination = (log as unknown as Record<symbol, DestinationStream>)[symbols.streamSym]!;
  return pino({ level: log.level, base: { svc: 'openmi' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
