import { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print } from '../output.js';

interface VerifyWire {
  ok: boolean;
  value: { log: string; ok: boolean; rows: number; broken?: { seq: number; kind: string; reason: string } }[];
}

/** `openmi audit verify`: checks both hash chains on the server (works for SQLite and PostgreSQL) and exits 1 if one is broken. */
export function auditCommand(): Command {
  const verify = withClientOptions(new Command('verify').description('Check that no activity or sign-in log row was edited, inserted or deleted.')).action(async (o: ClientOptions) => {
    const r = await clientFor(o).request<VerifyWire>('POST', '/providers/OpenMI.Audit/verify?api-version=2025-01-01');
    print(o.output, r, r.value, [
      { header: 'log', get: (v) => v.log },
      { header: 'ok', get: (v) => String(v.ok) },
      { header: 'rows', get: (v) => String(v.rows) },
      { header: 'broken', get: (v) => (v.broken ? `seq ${v.broken.seq}: ${v.broken.kind} (${v.broken.reason})` : '') },
    ]);
    if (!r.ok) throw new CliError('audit chain broken: see above', 1);
  });
  return new Command('audit').description('Tamper evidence of the audit logs.').addCommand(verify);
}
