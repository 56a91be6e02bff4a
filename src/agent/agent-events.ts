import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../kernel/log.js';

export type SseHandler = (event: string, data: string) => void;

/**
 * Incremental text/event-stream parser (WHATWG HTML §9.2.6): lines end in CRLF, LF or CR,
 * `:` lines are comments (the server's keep-alive pings), data lines join with `\n`, and a
 * blank line dispatches. `id` and `retry` are ignored: the protocol resumes by flushing, not by id.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  constructor(private readonly onEvent: SseHandler) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const end = /\r\n|\r|\n/.exec(this.buffer);
      // A trailing lone CR may be the first half of a CRLF split across chunks.
      if (end === null || (end[0] === '\r' && end.index === this.buffer.length - 1)) return;
      const line = this.buffer.slice(0, end.index);
      this.buffer = this.buffer.slice(end.index + end[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }

  private dispatch(): void {
    const event = this.event === '' ? 'message' : this.event;
    const data = this.data.join('\n');
    const hadData = this.data.length > 0;
    this.event = '';
    this.data = [];
    if (hadData || event !== 'message') this.onEvent(event, data);
  }
}

export interface EventStreamOptions {
  /** Resolves with a 200 event stream, rejects otherwise; aborting the signal ends the request. */
  open(signal: AbortSignal): Promise<IncomingMessage>;
  onEvent: SseHandler;
  /** After a connection that was not the first attempt: events may have been missed meanwhile. */
  onReconnect(): void;
  log?: Logger;
  /** No byte for this long means a dead (half-open) connection; the server pings every 15 s. */
  idleTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

function consume(res: IncomingMessage, parser: SseParser, idleTimeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const idle = setTimeout(() => res.destroy(new Error(`no data for ${idleTimeoutMs / 1000} s`)), idleTimeoutMs);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      idle.refresh();
      parser.push(chunk);
    });
    res.on('error', () => undefined); // 'close' follows and ends the wait
    res.on('close', () => {
      clearTimeout(idle);
      resolve();
    });
  });
}

/** Keeps one event stream open, reconnecting with backoff (250 ms doubling to 10 s) until closed. */
export function runEventStream(opts: EventStreamOptions): { close(): void } {
  const controller = new AbortController();
  const { signal } = controller;
  const min = opts.minBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 10_000;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 45_000;
  const parser = () =>
    new SseParser((event, data) => {
      try {
        opts.onEvent(event, data);
      } catch (err) {
        opts.log?.error({ err, event }, 'handling a server event failed');
      }
    });
  const loop = async (): Promise<void> => {
    let delay = min;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const res = await opts.open(signal);
        if (attempt > 0) opts.onReconnect();
        delay = min;
        await consume(res, parser(), idleTimeoutMs);
        if (!signal.aborted) opts.log?.warn('event stream from the openmi server ended; reconnecting');
      } catch (err) {
        if (!signal.aborted)
          opts.log?.warn({ err, retryInMs: delay }, 'event stream from the openmi server unavailable');
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      delay = Math.min(delay * 2, max);
    }
  };
  void loop();
  return { close: () => controller.abort() };
}
