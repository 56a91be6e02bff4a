import { conflict } from '../../kernel/errors.js';
import type { FederationIssuerRecord } from '../records.js';
import type { FederationIssuerRepo } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { isUniqueViolation } from './conflict.js';
import type { Executor } from './executor.js';

interface FederationIssuerRow {
  name: string;
  issuer: string;
  jwks: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'name, issuer, jwks, created_by, created_at, updated_at';

const toRecord = (r: FederationIssuerRow): FederationIssuerRecord => ({
  name: r.name,
  issuer: r.issuer,
  jwks: fromJson<Record<string, unknown>>(r.jwks, 'federation issuer JWKS'),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const issuerConflict = (r: FederationIssuerRecord, holder: string | undefined) =>
  conflict(
    `Issuer '${r.issuer}' is already registered` + (holder === undefined ? '' : ` as federation issuer '${holder}'`),
    { target: r.name, details: { issuer: r.issuer, existingName: holder } },
  );

/**
 * Names are unique case-insensitively; issuers are unique and compared exactly. The SELECT
 * before the upsert finds the issuer's holder without a failing statement, which would abort a
 * PostgreSQL tx; the unique index still decides a race, and its error becomes the same conflict.
 */
export class SqlFederationIssuerRepo implements FederationIssuerRepo {
  constructor(private readonly db: Executor) {}

  async put(r: FederationIssuerRecord): Promise<void> {
    const nameKey = lookupKey(r.name);
    const holder = await this.db.get<{ name: string }>(
      'SELECT name FROM federation_issuers WHERE issuer = $1 AND name_key <> $2 LIMIT 1',
      [r.issuer, nameKey],
    );
    if (holder !== undefined) throw issuerConflict(r, holder.name);
    try {
      await this.db.run(
        `INSERT INTO federation_issuers (name_key, name, issuer, jwks, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (name_key) DO UPDATE SET issuer = excluded.issuer, jwks = excluded.jwks, updated_at = excluded.updated_at`,
        [nameKey, r.name, r.issuer, toJson(r.jwks), r.createdBy, r.createdAt, r.updatedAt],
      );
    } catch (e) {
      if (isUniqueViolation(e)) throw issuerConflict(r, undefined);
      throw e;
    }
  }

  async get(name: string): Promise<FederationIssuerRecord | undefined> {
    const row = await this.db.get<FederationIssuerRow>(
      `SELECT ${COLUMNS} FROM federation_issuers WHERE name_key = $1`,
      [lookupKey(name)],
    );
    return row && toRecord(row);
  }

  async getByIssuer(issuer: string): Promise<FederationIssuerRecord | undefined> {
    const row = await this.db.get<FederationIssuerRow>(`SELECT ${COLUMNS} FROM federation_issuers WHERE issuer = $1`, [
      issuer,
    ]);
    return row && toRecord(row);
  }

  async list(): Promise<FederationIssuerRecord[]> {
    const rows = await this.db.all<FederationIssuerRow>(`SELECT ${COLUMNS} FROM federation_issuers ORDER BY name_key`);
    return rows.map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM federation_issuers WHERE name_key = $1', [lookupKey(name)]);
    return changes === 1;
  }
}
