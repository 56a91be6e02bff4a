import { conflict } from '../../kernel/errors.js';
import type { FederatedCredentialRecord } from '../records.js';
import type { FederatedCredentialRepo, Page } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { isUniqueViolation } from './conflict.js';
import type { Executor } from './executor.js';
import { checkLimit, Params, toPage } from './paging.js';

interface FederatedCredentialRow {
  name_key: string;
  id: string;
  identity_id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'name_key, id, identity_id, name, issuer, subject, audiences, created_at, updated_at';

const toRecord = (r: FederatedCredentialRow): FederatedCredentialRecord => ({
  id: r.id,
  identityId: r.identity_id,
  name: r.name,
  issuer: r.issuer,
  subject: r.subject,
  audiences: fromJson<string[]>(r.audiences, 'federated credential audiences'),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const NAME_EXISTS = 'FederatedCredentialExists';
const ISSUER_SUBJECT_EXISTS = 'FederatedCredentialIssuerSubjectExists';

const issuerSubjectConflict = (f: FederatedCredentialRecord, existingName: string | undefined) =>
  conflict(
    `A federated identity credential with issuer '${f.issuer}' and subject '${f.subject}' already exists on this identity` +
      (existingName === undefined ? '' : ` (name '${existingName}')`),
    { code: ISSUER_SUBJECT_EXISTS, target: f.id, details: { issuer: f.issuer, subject: f.subject, existingName } },
  );

/**
 * Names are unique per identity, case-insensitively. Issuer + subject are unique per identity
 * and compared exactly, as Entra does. Both are also enforced by unique indexes; the SELECTs
 * before writing exist to tell the two conflicts apart (ON CONFLICT DO NOTHING does not say
 * which constraint hit) and to avoid a failing UPDATE, which would abort a PostgreSQL tx.
 */
export class SqlFederatedCredentialRepo implements FederatedCredentialRepo {
  constructor(private readonly db: Executor) {}

  /** The identity must exist (foreign key); its deletion deletes its credentials. */
  async create(f: FederatedCredentialRecord): Promise<void> {
    const identityKey = lookupKey(f.identityId);
    const idKey = lookupKey(f.id);
    const clash = await this.issuerSubjectClash(identityKey, idKey, f);
    if (clash !== undefined) throw issuerSubjectConflict(f, clash);
    let changes: number;
    try {
      ({ changes } = await this.db.run(
        `INSERT INTO federated_credentials (id_key, identity_key, name_key, id, identity_id, name, issuer, subject, audiences,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [
          idKey,
          identityKey,
          lookupKey(f.name),
          f.id,
          f.identityId,
          f.name,
          f.issuer,
          f.subject,
          toJson(f.audiences),
          f.createdAt,
          f.updatedAt,
        ],
      ));
    } catch (e) {
      if (isUniqueViolation(e)) throw this.nameConflict(f);
      throw e;
    }
    if (changes === 0) {
      // Lost a race with a concurrent writer: find out which constraint it was.
      const raced = await this.issuerSubjectClash(identityKey, idKey, f);
      throw raced !== undefined ? issuerSubjectConflict(f, raced) : this.nameConflict(f);
    }
  }

  async update(f: FederatedCredentialRecord): Promise<boolean> {
    // Joined on the stored row, so the identity is the credential's own, not whatever f claims.
    const clash = await this.db.get<{ name: string }>(
      `SELECT o.name FROM federated_credentials t
       JOIN federated_credentials o ON o.identity_key = t.identity_key
       WHERE t.id_key = $1 AND o.id_key <> $1 AND o.issuer = $2 AND o.subject = $3
       LIMIT 1`,
      [lookupKey(f.id), f.issuer, f.subject],
    );
    if (clash !== undefined) throw issuerSubjectConflict(f, clash.name);
    try {
      const { changes } = await this.db.run(
        'UPDATE federated_credentials SET issuer = $2, subject = $3, audiences = $4, updated_at = $5 WHERE id_key = $1',
        [lookupKey(f.id), f.issuer, f.subject, toJson(f.audiences), f.updatedAt],
      );
      return changes === 1;
    } catch (e) {
      if (isUniqueViolation(e)) throw issuerSubjectConflict(f, undefined);
      throw e;
    }
  }

  async get(id: string): Promise<FederatedCredentialRecord | undefined> {
    const row = await this.db.get<FederatedCredentialRow>(
      `SELECT ${COLUMNS} FROM federated_credentials WHERE id_key = $1`,
      [lookupKey(id)],
    );
    return row && toRecord(row);
  }

  /** Keyset paging on name_key (unique within the identity); `next` is the last name_key. */
  async list(identityId: string, limit: number, after?: string): Promise<Page<FederatedCredentialRecord>> {
    checkLimit(limit);
    const p = new Params();
    const conds = [`identity_key = ${p.add(lookupKey(identityId))}`];
    if (after !== undefined) conds.push(`name_key > ${p.add(after)}`);
    const rows = await this.db.all<FederatedCredentialRow>(
      `SELECT ${COLUMNS} FROM federated_credentials WHERE ${conds.join(' AND ')} ORDER BY name_key LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return toPage(rows, limit, toRecord, (r) => r.name_key);
  }

  /** Ordered by credential id. */
  async findByIssuerSubject(issuer: string, subject: string): Promise<FederatedCredentialRecord[]> {
    const rows = await this.db.all<FederatedCredentialRow>(
      `SELECT ${COLUMNS} FROM federated_credentials WHERE issuer = $1 AND subject = $2 ORDER BY id_key`,
      [issuer, subject],
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM federated_credentials WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }

  async deleteForIdentity(identityId: string): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM federated_credentials WHERE identity_key = $1', [
      lookupKey(identityId),
    ]);
    return changes;
  }

  /** Name of another credential of the identity with exactly this issuer and subject, if any. */
  private async issuerSubjectClash(
    identityKey: string,
    idKey: string,
    f: FederatedCredentialRecord,
  ): Promise<string | undefined> {
    const row = await this.db.get<{ name: string }>(
      `SELECT name FROM federated_credentials
       WHERE issuer = $1 AND subject = $2 AND identity_key = $3 AND id_key <> $4 LIMIT 1`,
      [f.issuer, f.subject, identityKey, idKey],
    );
    return row?.name;
  }

  private nameConflict(f: FederatedCredentialRecord) {
    return conflict(`Federated identity credential '${f.name}' already exists`, { code: NAME_EXISTS, target: f.id });
  }
}
