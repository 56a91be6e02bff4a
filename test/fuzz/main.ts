import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PG_URL } from '../helpers/postgres.js';
import { fuzzSession, summary } from './session.js';

/**
 * `npm run fuzz -- --requests N [--store sqlite|postgres|URL] [--seed S] [--concurrency C] [--findings FILE]`:
 * the CI fuzz suite's generator against real `openmi serve`, `openmi agent` and `openmi gate`
 * children, for long soaks (≥ 100,000 requests). Exits 1 on any finding.
 */
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    store: { type: 'string', default: 'sqlite' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    findings: { type: 'string' },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write(
    'usage: npm run fuzz -- --requests N [--store sqlite|postgres|postgres://…] [--seed S] [--concurrency C] [--findings FILE]\n',
  );
  process.exit(2);
}
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
let store = values.store!;
let drop: (() => Promise<void>) | undefined;
if (store === 'postgres') {
  const { freshPgSchema } = await import('../helpers/postgres.js');
  const s = await freshPgSchema();
  store = s.url;
  drop = s.drop;
}
process.stdout.write(
  `openmi fuzz: ${requests} requests, seed ${seed}, ${concurrency} connections, store ${store === 'sqlite' ? 'sqlite' : PG_URL}\n`,
);
try {
  const result = await fuzzSession({ store, requests, seed, concurrency, log: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`${summary(values.store!, result)}\n`);
  const r = result.report;
  if (values.findings)
    writeFileSync(
      values.findings,
      JSON.stringify(
        {
          seed,
          serverErrors: r.serverErrors,
          hangs: r.hangs,
          dropped: r.dropped,
          deaths: result.deaths,
          errorLogs: result.errorLogs,
        },
        null,
        2,
      ),
    );
  const failed =
    r.serverErrors.length + r.hangs.length + r.dropped.length + result.died.length > 0 ||
    result.auditVerify.code !== 0 ||
    Object.values(result.health).some((s) => s !== 200);
  process.exitCode = failed ? 1 : 0;
} finally {
  await drop?.();
}
