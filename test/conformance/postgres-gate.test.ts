import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PG_LOGIN_DATA_ACTION } from '../../src/gate/postgres/pg-session.js';
import { grantDataActions, startGate } from '../helpers/gate.js';
import { resignerFor } from '../helpers/forged-tokens.js';
import { describeOnPostgres, PG_URL } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const PG_CLIENT = fileURLToPath(new URL('./clients/pg-token.client.js', import.meta.url));
const AUDIENCE = 'https://ossrdbms-aad.database.windows.net';

function psqlMissing(): string | undefined {
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'psql is not installed (postgresql-client; .ci/run installs it)';
  }
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) =>
    execFile(file, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** A self-signed certificate made by openssl, as a user brings one (or another CA a client trusts). */
function selfSigned(cert: string, key: string, cn: string, ext = 'basicConstraints=critical,CA:TRUE'): void {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${cn}`],
      ...['-addext', ext, '-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
}

/** `openmi run` as a user types it: the VM's identity for whatever the command runs. */
const run = (dataDir: string, vm: string, cmd: string[]) =>
  exec(process.execPath, [MAIN, 'run', '--data-dir', dataDir, '--resource', vm, '--', ...cmd]);

/** A shell in the VM: the token from the identity endpoint (curl), then psql with PGPASSWORD = the token. */
const PSQL_IN_VM = `
set -e
T=$(curl -sf -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=${AUDIENCE}")
export PGPASSWORD=$(printf %s "$T" | "${process.execPath}" -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>process.stdout.write(JSON.parse(s).access_token))')
echo "token=$PGPASSWORD" >&2
psql "$1" -XtAc 'SELECT current_user'
`;

await describeOnPostgres('openmi gate postgres: psql and pg with a managed identity token', () => {
  const skipPsql = process.env['CI'] !== 'true' && psqlMissing();
  const tag = randomBytes(4).toString('hex');
  const db = `openmi_pggate_${tag}`;
  const [roleA, roleB] = [`omi_app_${tag}`, `omi_other_${tag}`];
  let t: TestServer;
  let gate: ChildProcess | undefined;
  let ownCertGate: ChildProcess | undefined;
  let port: number;
  let dbResource: string;
  const vms: Record<string, { id: string; principalId: string }> = {};
  const upstream = () => {
    const u = new URL(PG_URL);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  // The gate's certificate comes from openmi's CA: clients verify it with the data dir's ca.pem.
  const conninfo = (role: string, sslmode = 'verify-full', root = join(t.dataDir, 'ca.pem'), p = port) =>
    `host=127.0.0.1 port=${p} dbname=${db} user=${role} sslmode=${sslmode} sslrootcert=${root}`;
  const cli = (args: string[]) => exec(process.execPath, [MAIN, 'gate', 'postgres', ...args]);

  before(async () => {
    await admin(`CREATE DATABASE ${db}`);
    t = await startTestServer();
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-pg`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    dbResource = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-${tag}`;
    for (const name of ['app', 'other']) {
      const r = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      });
      vms[name] = { id: r.json.id, principalId: r.json.identity.principalId };
    }
    // Only `app` holds the sign-in data action; both are mapped to a role.
    await grantDataActions(t, vms['app']!.principalId, [PG_LOGIN_DATA_ACTION]);
    for (const [role, vm] of [
      [roleA, 'app'],
      [roleB, 'other'],
    ] as const) {
      const m = await cli(['map', '--upstream', upstream(), '--role', role, '--identity', vms[vm]!.principalId]);
      assert.equal(m.code, 0, m.stderr);
      assert.match(m.stdout, /\(created\)/);
    }
    const started = await startGate([
      ...['postgres', '--upstream', upstream(), '--resource', dbResource],
      ...['--listen', '127.0.0.1:0', '--data-dir', t.dataDir],
    ]);
    gate = started.child;
    port = started.port;
  });
  after(async () => {
    gate?.kill();
    ownCertGate?.kill();
    await t?.stop();
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS ${roleA}`);
    await admin(`DROP ROLE IF EXISTS ${roleB}`);
  });

  let appToken = '';
  it(
    'psql in the VM signs in with its token as the password and queries as the mapped role',
    { skip: skipPsql },
    async () => {
      const r = await run(t.dataDir, vms['app']!.id, ['sh', '-c', PSQL_IN_VM, 'sh', conninfo(roleA)]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), roleA);
      appToken = /token=(\S+)/.exec(r.stderr)![1]!;
    },
  );

  it("the pg client with DefaultAzureCredential, as Azure's sample does", async () => {
    const r = await run(t.dataDir, vms['app']!.id, [
      process.execPath,
      PG_CLIENT,
      '127.0.0.1',
      String(port),
      db,
      roleA,
      join(t.dataDir, 'ca.pem'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { currentUser: roleA });
  });

  it('refuses an identity without the sign-in data action, and says why', { skip: skipPsql }, async () => {
    const r = await run(t.dataDir, vms['other']!.id, ['sh', '-c', PSQL_IN_VM, 'sh', conninfo(roleB)]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /FATAL: {2}Caller is not authorized.*flexibleServers\/login\/action/);
  });

  it(
    'refuses a token for a role mapped to another identity, an expired and a forged token',
    { skip: skipPsql },
    async () => {
      assert.ok(appToken, 'needs the token of the first test');
      const psql = (role: string, password: string) =>
        exec('psql', [conninfo(role), '-XtAc', 'SELECT current_user'], { PGPASSWORD: password });
      assert.match((await psql(roleB, appToken)).stderr, /role "omi_other_\w+" is mapped to identity/);
      const resign = await resignerFor(t, appToken);
      const now = Math.floor(Date.now() / 1000);
      const expired = await psql(roleA, resign({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }));
      assert.match(expired.stderr, /FATAL: {2}.*token expired at/);
      const forged = `${appToken.slice(0, -8)}AAAAAAAA`;
      assert.match((await psql(roleA, forged)).stderr, /FATAL: {2}.*signature does not verify/);
      const audience = await psql(roleA, resign({ aud: 'https://vault.azure.net' }));
      assert.match(audience.stderr, /FATAL: {2}.*audience/i);
      const plain = await exec('psql', [conninfo(roleA, 'disable'), '-XtAc', 'SELECT 1'], { PGPASSWORD: appToken });
      assert.match(plain.stderr, /TLS connections only/);
    },
  );

  it('refuses the TLS handshake to a client trusting another CA', { skip: skipPsql }, async () => {
    assert.ok(appToken, 'needs the token of the first test');
    const [otherCa, otherKey] = [join(t.dataDir, 'other-ca.pem'), join(t.dataDir, 'other-ca-key.pem')];
    selfSigned(otherCa, otherKey, 'other CA');
    const r = await exec('psql', [conninfo(roleA, 'verify-full', otherCa), '-XtAc', 'SELECT 1'], {
      PGPASSWORD: appToken,
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate verify failed/);
    const viaPg = await run(t.dataDir, vms['app']!.id, [
      process.execPath,
      PG_CLIENT,
      '127.0.0.1',
      String(port),
      db,
      roleA,
      otherCa,
    ]);
    assert.match(viaPg.stdout, /"error":".*(self[- ]signed|unable to verify|certificate)/i);
  });

  it('serves --tls-cert/--tls-key instead when given', { skip: skipPsql }, async () => {
    assert.ok(appToken, 'needs the token of the first test');
    const [cert, key] = [join(t.dataDir, 'pg-gate.pem'), join(t.dataDir, 'pg-gate-key.pem')];
    selfSigned(cert, key, '127.0.0.1', 'subjectAltName=IP:127.0.0.1');
    const started = await startGate([
      ...['postgres', '--upstream', upstream(), '--resource', dbResource, '--tls-cert', cert, '--tls-key', key],
      ...['--listen', '127.0.0.1:0', '--data-dir', t.dataDir],
    ]);
    ownCertGate = started.child;
    const psql = (root: string) =>
      exec('psql', [conninfo(roleA, 'verify-full', root, started.port), '-XtAc', 'SELECT current_user'], {
        PGPASSWORD: appToken,
      });
    assert.equal((await psql(cert)).stdout.trim(), roleA);
    assert.match((await psql(join(t.dataDir, 'ca.pem'))).stderr, /certificate verify failed/);
  });

  it('logs every sign-in, admitted or refused, in the sign-in log', { skip: skipPsql }, async () => {
    const q = new URLSearchParams({ 'api-version': '2025-01-01', callingResource: dbResource });
    const r = await t.arm('GET', `/providers/OpenMI.Audit/signIns?${q}`);
    assert.equal(r.status, 200, r.text);
    const rows = r.json.value as {
      flow: string;
      result: string;
      servicePrincipalId: string;
      status: { errorCode: string };
    }[];
    assert.ok(rows.every((s) => s.flow === 'gate'));
    const ok = rows.filter((s) => s.result === 'success');
    assert.ok(ok.length >= 2 && ok.every((s) => s.servicePrincipalId === vms['app']!.principalId), r.text);
    const codes = rows.filter((s) => s.result === 'failure').map((s) => s.status.errorCode);
    for (const c of ['Forbidden', 'identity_mismatch', 'InvalidAuthenticationToken'])
      assert.ok(codes.includes(c), `${c} in ${codes}`);
  });
});
