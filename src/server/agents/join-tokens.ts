import { timingSafeEqual } from 'node:crypto';
import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import type { Clock } from '../../kernel/clock.js';
import { conflict, DomainError, invalid, notFound } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import type { JoinTokenRecord } from '../../store/records.js';
import type { Store, StoreRepos } from '../../store/store.js';
import { hashSecret } from '../tokens/client-credentials.js';

export const JOIN_TOKEN_OPERATION = 'OpenMI.Agents/joinTokens/write';
const MAX_TTL_S = 7 * 24 * 3600;
const DEFAULT_TTL_S = 3600;

export interface JoinTokenOptions {
  ephemeral?: boolean;
  expiresInSeconds?: number;
}

export interface CreatedJoinToken {
  /** `{id}.{secret}`: shown once, never stored. */
  token: string;
  record: JoinTokenRecord;
}

const badToken = (why: string) =>
  new DomainError(
    'unauthenticated',
    `The join token ${why}. Create a new one with 'openmi resource join-token create'.`,
    { code: 'invalid_join_token' },
  );

/**
 * One-time join tokens: how an operator vouches that an agent speaks for a resource. Only a
 * hash of the secret half is stored; a token enrolls one agent, once, before it expires.
 */
export class JoinTokenService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly recorder: ChangeRecorder,
    /** Unused, unexpired tokens a resource may have at once (joinTokensPerResource). */
    private readonly maxOutstanding = 10,
  ) {}

  async create(actor: Actor, resourceId: string, o: JoinTokenOptions = {}): Promise<CreatedJoinToken> {
    const ttl = o.expiresInSeconds ?? DEFAULT_TTL_S;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_TTL_S) {
      throw invalid(`expiresInSeconds must be a whole number from 60 to ${MAX_TTL_S}.`, { target: 'expiresInSeconds' });
    }
    return changeInTransaction(
      { store: this.store, clock: this.clock, recorder: this.recorder },
      actor,
      async (tx, batch) => {
        const resource = await tx.computeResources.get(resourceId);
        if (!resource)
          throw notFound(
            `The resource '${resourceId}' does not exist; join tokens are created for a compute resource (openmi resource create).`,
            { code: 'ResourceNotFound' },
          );
        const now = this.clock.now();
        await this.checkOutstanding(tx, resource.id, now);
        const secret = this.random.bytes(32).toString('base64url');
        const record: JoinTokenRecord = {
          id: this.random.uuid(),
          resourceId: resource.id,
          hash: hashSecret(secret),
          ephemeral: o.ephemeral ?? false,
          createdBy: actor.principalId,
          createdAt: now,
          expiresAt: now + ttl * 1000,
          usedAt: null,
        };
        await tx.joinTokens.create(record);
        batch.add(JOIN_TOKEN_OPERATION, resource.id, {
          joinTokenId: record.id,
          ephemeral: record.ephemeral,
          expiresAt: record.expiresAt,
        });
        return { token: `${record.id}.${secret}`, record };
      },
    );
  }

  /**
   * Each outstanding token is a way in for an agent: a bound keeps a script (or a stolen operator
   * token) from minting thousands. Count and insert are not one statement, so concurrent creates
   * can overshoot by how many race; the bound limits accumulation, not a single burst.
   */
  private async checkOutstanding(tx: StoreRepos, resourceId: string, now: number): Promise<void> {
    const n = await tx.joinTokens.countOutstanding(resourceId, now);
    if (n < this.maxOutstanding) return;
    throw conflict(
      `The resource '${resourceId}' already has ${n} unused join tokens that have not expired; the limit is ${this.maxOutstanding}. Enroll an agent with one of them or wait until one expires, or raise joinTokensPerResource (OPENMI_JOIN_TOKENS_PER_RESOURCE).`,
      { code: 'QuotaExceeded' },
    );
  }

  /** Checks the token and marks it used (compare-and-set: of two racing agents, one wins). */
  async consume(token: string): Promise<JoinTokenRecord> {
    const dot = token.indexOf('.');
    const id = dot > 0 ? token.slice(0, dot) : '';
    const record = id ? await this.store.joinTokens.get(id) : undefined;
    if (!record) throw badToken('is not known');
    const presented = Buffer.from(hashSecret(token.slice(dot + 1)), 'hex');
    if (!timingSafeEqual(presented, Buffer.from(record.hash, 'hex'))) throw badToken('is not valid');
    if (record.usedAt !== null) throw badToken('was already used (a join token enrolls one agent)');
    if (record.expiresAt <= this.clock.now()) throw badToken('has expired');
    if (!(await this.store.joinTokens.consume(record.id, this.clock.now())))
      throw badToken('was already used (a join token enrolls one agent)');
    return record;
  }
}
