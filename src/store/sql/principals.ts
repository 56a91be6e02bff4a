import type { ClientSecretRecord, PrincipalKind, PrincipalRecord } from '../records.js';
import { SECRET_COLUMNS, toSecretRecord, type ClientSecretRow } from './client-secrets.js';
import type { PrincipalRepo } from '../store.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import { countedWrite } from './credential-cache.js';
import type { Executor } from './executor.js';

interface PrincipalRow {
  object_id: string;
  app_id: string;
  tenant_id: string;
  display_name: string;
  kind: PrincipalKind;
  resource_id: string | null;
  created_at: number;
}

const COLUMNS = 'object_id, app_id, tenant_id, display_name, kind, resource_id, created_at';
/**
 * Every client_credentials request runs this: built once, so the executor's statement cache finds
 * it without rebuilding and rehashing the text per request. Secret columns are aliased s_*: both
 * tables have created_at.
 */
const WITH_SECRETS = `SELECT ${COLUMNS.split(', ')
  .map((c) => `p.${c}`)
  .join(', ')}, ${SECRET_COLUMNS.map((c) => `s.${c} AS s_${c}`).join(', ')}
  FROM principals p LEFT JOIN client_secrets s ON s.principal_key = p.object_id_key
  WHERE p.app_id_key = $1 ORDER BY s.created_at, s.id_key`;

const toRecord = (r: PrincipalRow): PrincipalRecord => ({
  objectId: r.object_id,
  appId: r.app_id,
  tenantId: r.tenant_id,
  displayName: r.display_name,
  kind: r.kind,
  resourceId: r.resource_id,
  createdAt: r.created_at,
});

/** A client_secrets row under a LEFT JOIN: every column is null for a principal with no secret. */
type Prefixed<R> = { [K in keyof R as `s_${K & string}`]: R[K] | null };

const unprefixed = (r: Prefixed<ClientSecretRow>): ClientSecretRow | undefined =>
  r.s_id === null
    ? undefined
    : {
        id: r.s_id,
        principal_object_id: r.s_principal_object_id!,
        hash: r.s_hash!,
        hint: r.s_hint!,
        created_at: r.s_created_at!,
        expires_at: r.s_expires_at,
      };

/** Object and app ids are GUIDs, which Azure compares case-insensitively; both are unique. */
export class SqlPrincipalRepo implements PrincipalRepo {
  constructor(
    private readonly db: Executor,
    /** Told before and after every write (credential-cache.ts). */
    private readonly wrote: () => void = () => undefined,
  ) {}

  create(p: PrincipalRecord): Promise<void> {
    return countedWrite(this.wrote, () => this.insert(p));
  }

  private async insert(p: PrincipalRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO principals (object_id_key, app_id_key, object_id, app_id, tenant_id, display_name, kind, resource_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        lookupKey(p.objectId),
        lookupKey(p.appId),
        p.objectId,
        p.appId,
        p.tenantId,
        p.displayName,
        p.kind,
        p.resourceId,
        p.createdAt,
      ],
      `Principal with object id '${p.objectId}' or app id '${p.appId}'`,
      p.objectId,
    );
  }

  async getByObjectId(objectId: string): Promise<PrincipalRecord | undefined> {
    const row = await this.db.get<PrincipalRow>(`SELECT ${COLUMNS} FROM principals WHERE object_id_key = $1`, [
      lookupKey(objectId),
    ]);
    return row && toRecord(row);
  }

  async getByAppId(appId: string): Promise<PrincipalRecord | undefined> {
    const row = await this.db.get<PrincipalRow>(`SELECT ${COLUMNS} FROM principals WHERE app_id_key = $1`, [
      lookupKey(appId),
    ]);
    return row && toRecord(row);
  }

  async getByAppIdWithSecrets(
    appId: string,
  ): Promise<{ principal: PrincipalRecord; secrets: ClientSecretRecord[] } | undefined> {
    const rows = await this.db.all<PrincipalRow & Prefixed<ClientSecretRow>>(WITH_SECRETS, [lookupKey(appId)]);
    const first = rows[0];
    if (first === undefined) return undefined;
    const secrets = rows.flatMap((r) => {
      const s = unprefixed(r);
      return s ? [toSecretRecord(s)] : [];
    });
    return { principal: toRecord(first), secrets };
  }

  /** Also removes the principal's client secrets (ON DELETE CASCADE). */
  async delete(objectId: string): Promise<boolean> {
    const { changes } = await countedWrite(this.wrote, () =>
      this.db.run('DELETE FROM principals WHERE object_id_key = $1', [lookupKey(objectId)]),
    );
    return changes === 1;
  }
}
