/**
 * Azure's "connect with managed identity" sample for Azure Database for PostgreSQL, as is:
 * DefaultAzureCredential for https://ossrdbms-aad.database.windows.net, the token as the `pg`
 * password over TLS (https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-connect-with-managed-identity).
 * Run under `openmi run`; prints one JSON line.
 *
 *   node pg-token.client.js HOST PORT DATABASE ROLE CA_PEM
 */
import { readFileSync } from 'node:fs';
import { DefaultAzureCredential } from '@azure/identity';
import pg from 'pg';

const [host, port, database, user, caPath] = process.argv.slice(2) as [string, string, string, string, string];
try {
  const { token } = await new DefaultAzureCredential().getToken('https://ossrdbms-aad.database.windows.net/.default');
  const client = new pg.Client({
    host,
    port: Number(port),
    database,
    user,
    password: token,
    ssl: { ca: readFileSync(caPath, 'utf8') },
  });
  await client.connect();
  const r = await client.query<{ current_user: string }>('SELECT current_user');
  await client.end();
  process.stdout.write(`${JSON.stringify({ currentUser: r.rows[0]!.current_user })}\n`);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
}
