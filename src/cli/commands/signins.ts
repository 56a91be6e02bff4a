import { Command } from 'commander';
import { eachPage } from '../../client/arm-client.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { printStream, stdoutDrained, type Column } from '../output.js';
import { SIGN_INS_PATH, type SignInWire } from '../../wire/sign-ins.js';

interface SignInOptions extends ClientOptions {
  from?: string;
  to?: string;
  identity?: string;
  callingResource?: string;
  result?: string;
  jsonl?: boolean;
}

export function signInQuery(o: SignInOptions): string {
  const q = new URLSearchParams({ 'api-version': '2025-01-01' });
  for (const [k, v] of [
    ['from', o.from],
    ['to', o.to],
    ['identity', o.identity],
    ['callingResource', o.callingResource],
    ['result', o.result],
  ] as const)
    if (v) q.set(k, v);
  return q.toString();
}

/** The server's largest page: fewer round trips on long exports. */
const PAGE_SIZE = 1000;

const COLUMNS: Column<SignInWire>[] = [
  { header: 'time', get: (s) => s.createdDateTime },
  { header: 'flow', get: (s) => s.flow },
  { header: 'result', get: (s) => (s.requestCount ? `${s.result} ×${s.requestCount}` : s.result) },
  { header: 'error', get: (s) => s.status?.errorCode ?? '' },
  { header: 'appId', get: (s) => s.appId ?? '' },
  { header: 'resource', get: (s) => s.resourceId ?? '' },
  { header: 'caller', get: (s) => s.managedServiceIdentity?.associatedResourceId ?? '' },
];

/** `openmi signins list`: every token request, newest first; `--jsonl` exports one JSON object per line. */
export function signInsCommand(): Command {
  const list = withClientOptions(
    new Command('list').description('List token requests (the sign-in log), newest first.'),
  )
    .option('--from <time>', 'only requests at or after this ISO time')
    .option('--to <time>', 'only requests at or before this ISO time')
    .option('--identity <id>', 'principal id, client id or resource id of the identity')
    .option('--calling-resource <id>', 'resource id whose agent asked')
    .option('--result <result>', 'success or failure')
    .option('--jsonl', 'export as JSON lines (one sign-in per line), for log shippers')
    .action(async (o: SignInOptions) => {
      // Streamed page by page: the log runs to millions of rows, more than fit in memory at once.
      const out = printStream<SignInWire>(o.jsonl ? 'jsonl' : o.output, COLUMNS);
      for await (const p of eachPage<SignInWire>(
        clientFor(o),
        `${SIGN_INS_PATH}?${signInQuery(o)}&$top=${PAGE_SIZE}`,
      )) {
        out.write(p.value);
        await stdoutDrained();
      }
      out.end();
    });
  return new Command('signins').description('The sign-in log: every token request and its outcome.').addCommand(list);
}
