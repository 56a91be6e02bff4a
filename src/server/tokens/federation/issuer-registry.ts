import type { Actor, ChangeRecorder } from '../../audit/changes.js';
import { changeInTransaction } from '../../audit/changes-batch.js';
import type { Clock } from '../../../kernel/clock.js';
import { invalid, notFound } from '../../../kernel/errors.js';
import type { FederationIssuerRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import { parseJwks } from './jwks.js';

export const FEDERATION_ISSUER_TYPE = 'OpenMI.Tokens/federationIssuers';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_ISSUER = 600;

export interface FederationIssuerInput {
  issuer?: unknown;
  jwks?: unknown;
}

function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw invalid(
      `The federation issuer name '${name.slice(0, 80)}' is invalid: use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit.`,
      { code: 'InvalidResourceName' },
    );
  }
  return name;
}

function checkIssuer(v: unknown, ownIssuer: string): string {
  let url: URL | undefined;
  try {
    url = typeof v === 'string' ? new URL(v) : undefined;
  } catch {
    url = undefined;
  }
  // Federated credentials accept only https issuers, so any other issuer could never be matched.
  if (!url || url.protocol !== 'https:' || (v as string).length > MAX_ISSUER) {
    throw invalid(
      `'properties.issuer' must be the https URL that appears in the tokens' 'iss' claim (at most ${MAX_ISSUER} characters).`,
      { code: 'BadRequest', target: 'properties.issuer' },
    );
  }
  // openmi's own issuer is always served from the KeyRing first; a registration would be silently ignored.
  if (v === ownIssuer)
    throw invalid(`'${ownIssuer}' is openmi's own workload issuer; its keys are built in and cannot be registered.`, {
      code: 'BadRequest',
      target: 'properties.issuer',
    });
  return v as string;
}

/** Only RSA/EC public signature keys: the registered set is served to nobody, but it is trusted. */
function checkJwks(v: unknown): Record<string, unknown> {
  const parsed = parseJwks(v);
  if (parsed.problems.length > 0 || parsed.keys.size === 0) {
    const why = parsed.problems.length ? parsed.problems.slice(0, 5).join('; ') : 'it has no keys';
    throw invalid(`'properties.jwks' is not an acceptable JWKS: ${why}.`, {
      code: 'BadRequest',
      target: 'properties.jwks',
    });
  }
  return { keys: (v as { keys: unknown[] }).keys };
}

/**
 * Registered signing keys of external workload issuers that openmi cannot reach through OpenID
 * discovery (air-gapped clusters, private issuers). Administered over ARM, recorded in the activity log.
 */
export class FederationIssuerService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
    private readonly ownIssuer: string,
  ) {}

  async put(
    name: string,
    input: FederationIssuerInput,
    actor: Actor,
  ): Promise<{ record: FederationIssuerRecord; created: boolean }> {
    checkName(name);
    const issuer = checkIssuer(input.issuer, this.ownIssuer);
    const jwks = checkJwks(input.jwks);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const existing = await tx.federationIssuers.get(name);
      const now = this.clock.now();
      await tx.federationIssuers.put({
        name,
        issuer,
        jwks,
        createdBy: actor.principalId,
        createdAt: now,
        updatedAt: now,
      });
      const record = (await tx.federationIssuers.get(name))!;
      batch.add(`${FEDERATION_ISSUER_TYPE}/write`, resourceIdOf(record.name), {
        issuer,
        keys: (jwks.keys as unknown[]).length,
        created: !existing,
      });
      return { record, created: !existing };
    });
  }

  async get(name: string): Promise<FederationIssuerRecord> {
    const r = await this.store.federationIssuers.get(name);
    if (!r) throw notFound(`The federation issuer '${name.slice(0, 80)}' was not found.`, { code: 'ResourceNotFound' });
    return r;
  }

  list(): Promise<FederationIssuerRecord[]> {
    return this.store.federationIssuers.list();
  }

  async delete(name: string, actor: Actor): Promise<boolean> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const deleted = await tx.federationIssuers.delete(name);
      if (deleted) batch.add(`${FEDERATION_ISSUER_TYPE}/delete`, resourceIdOf(name));
      return deleted;
    });
  }
}

export const resourceIdOf = (name: string): string => `/providers/${FEDERATION_ISSUER_TYPE}/${name}`;
