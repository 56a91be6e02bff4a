import pg from 'pg';

/**
 * Which identity may sign in as which role of a user's PostgreSQL behind `openmi gate postgres`
 * (docs/adr/0011-postgres-gate.md). Azure keeps the principal's object id on the role itself
 * (`pgaadauth_create_principal`,
 * https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-manage-azure-ad-users); openmi
 * keeps it in one table of the upstream database, created on first use, so the mapping lives
 * and is backed up with the roles it names. Not openmi's store: it has no migrations.
 */
const TABLE = 'openmi_aad.principals';

/** PostgreSQL's undefined_table and invalid_schema_name: nothing was mapped yet. */
const NOT_MAPPED_YET = new Set(['42P01', '3F000']);

export interface PrincipalMapping {
  role: string;
  objectId: string;
}

export class UpstreamPrincipals {
  private readonly pool: pg.Pool;

  /** `url`: the upstream as a role that may create roles (the gate's --upstream). */
  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000 });
  }

  /** The object id mapped to `role`, or undefined. */
  async objectIdOf(role: string): Promise<string | undefined> {
    try {
      const r = await this.pool.query<{ object_id: string }>(`SELECT object_id FROM ${TABLE} WHERE role_name = $1`, [
        role,
      ]);
      return r.rows[0]?.object_id;
    } catch (e) {
      if (NOT_MAPPED_YET.has((e as { code?: string }).code ?? '')) return undefined;
      throw e;
    }
  }

  /** Maps `role` to `objectId` (replacing its mapping), creating the role with LOGIN when absent. */
  async map(m: PrincipalMapping): Promise<{ createdRole: boolean }> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('CREATE SCHEMA IF NOT EXISTS openmi_aad');
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (role_name text PRIMARY KEY, object_id text NOT NULL, mapped_at timestamptz NOT NULL DEFAULT now())`,
      );
      const exists = (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [m.role])).rowCount! > 0;
      if (!exists) await c.query(`CREATE ROLE ${pg.escapeIdentifier(m.role)} LOGIN`);
      await c.query(
        `INSERT INTO ${TABLE} (role_name, object_id) VALUES ($1, $2) ON CONFLICT (role_name) DO UPDATE SET object_id = EXCLUDED.object_id, mapped_at = now()`,
        [m.role, m.objectId.toLowerCase()],
      );
      await c.query('COMMIT');
      return { createdRole: !exists };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  /** Removes the mapping of `role` (the role itself stays); false when there was none. */
  async unmap(role: string): Promise<boolean> {
    try {
      return (await this.pool.query(`DELETE FROM ${TABLE} WHERE role_name = $1`, [role])).rowCount! > 0;
    } catch (e) {
      if (NOT_MAPPED_YET.has((e as { code?: string }).code ?? '')) return false;
      throw e;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
