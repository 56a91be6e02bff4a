import { pino, type DestinationStream, type Logger } from 'pino';

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
  return destination ? pino(opts, destination as DestinationStream) : pino(opts);
}
