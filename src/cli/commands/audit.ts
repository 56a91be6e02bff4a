import { Command } from 'commander';
import { eachPage } from '../../client/arm-client.js';
import { CliError } from '../cli-error.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print } from '../output.js';

type VerifyResultWire = {
  log: string;
  ok: boolean;
  rows: number;
  lanes: number;
  broken?: { lane: number; seq: number; kind: string; reason: string };
};

/**
 * Follows the server's nextLinks: each request checks a bounded number of rows, so a log of
 * millions of rows is verified in many short requests rather than one that outlives timeouts.
 */
async function verifyAll(o: ClientOptions): Promise<{ ok: boolean; value: VerifyResultWire[] }> {
  const value: VerifyResultWire[] = [];
  for await (const p of eachPage<VerifyResultWire>(
    clientFor(o),
    '/providers/OpenMI.Audit/verify?api-version=2025-01-01',
    'POST',
  )) {
    for (const v of p.value) value.push(v);
    const progress = p.page['progress'] as { log: string; rows: number } | undefined;
    if (progress && process.stderr.isTTY)
      process.stderr.write(`checked ${progress.rows} rows of the ${progress.log} log…\r`);
  }
  return { ok: value.every((v) => v.ok), value };
}

/** `openmi audit verify`: checks both hash chains on the server (works for SQLite and PostgreSQL) and exits 1 if one is broken. */
export function auditCommand(): Command {
  const verify = withClientOptions(
    new Command('verify').description('Check that no activity or sign-in log row was edited, inserted or deleted.'),
  ).action(async (o: ClientOptions) => {
    const r = await verifyAll(o);
    print(o.output, r, r.value, [
      { header: 'log', get: (v) => v.log },
      { header: 'ok', get: (v) => String(v.ok) },
      { header: 'rows', get: (v) => String(v.rows) },
      { header: 'lanes', get: (v) => String(v.lanes) },
      {
        header: 'broken',
        get: (v) =>
          v.broken ? `lane ${v.broken.lane} row ${v.broken.seq}: ${v.broken.kind} (${v.broken.reason})` : '',
      },
    ]);
    if (!r.ok) throw new CliError('audit chain broken: see above', 1);
  });
  return new Command('audit').description('Tamper evidence of the audit logs.').addCommand(verify);
}
