import type { Actor, ChangeRecorder } from '../audit/changes.js';
import type { Clock } from '../../kernel/clock.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import { invalid, notFound } from '../../kernel/errors.js';
import { resourceNotFound } from '../resource-base/scope-checks.js';
import type { FederatedCredentialRecord } from '../../store/records.js';
import type { Page, Store, StoreRepos } from '../../store/store.js';
import type { IssuerHostPolicy } from '../tokens/federation/issuer-hosts.js';
import { checkFederatedCredentialName } from './names.js';
import { identityId, UAI_TYPE, type IdentityAddress } from './user-assigned.js';

const OP = `${UAI_TYPE}/federatedIdentityCredentials`;
const MAX = 600;

export interface FederatedCredentialInput {
  issuer?: unknown;
  subject?: unknown;
  audiences?: unknown;
}

function checkIssuer(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0)
    throw invalid(
      "'properties.issuer' is required: the URL of the token issuer, e.g. https://token.actions.githubusercontent.com.",
      { code: 'BadRequest', target: 'properties.issuer' },
    );
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw invalid(`The issuer '${v.slice(0, 100)}' is not a valid URL.`, {
      code: 'BadRequest',
      target: 'properties.issuer',
    });
  }
  if (url.protocol !== 'https:' || v.length > MAX)
    throw invalid(`The issuer '${v.slice(0, 100)}' must be an https URL of at most ${MAX} characters.`, {
      code: 'BadRequest',
      target: 'properties.issuer',
    });
  return v;
}

function checkSubject(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX) {
    throw invalid(
      `'properties.subject' is required: the exact 'sub' claim of the external token (1-${MAX} characters).`,
      { code: 'BadRequest', target: 'properties.subject' },
    );
  }
  return v;
}

/** Entra accepts exactly one audience per federated credential; api://AzureADTokenExchange is the usual one. */
function checkAudiences(v: unknown): string[] {
  if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'string' || v[0].length === 0 || v[0].length > MAX) {
    throw invalid(
      '\'properties.audiences\' must be an array with exactly one audience, e.g. ["api://AzureADTokenExchange"].',
      { code: 'BadRequest', target: 'properties.audiences' },
    );
  }
  return [v[0]];
}

/** Federated identity credentials: trust an external issuer's tokens for one subject. No small cap. */
export class FederatedCredentialService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
    private readonly issuerHosts: IssuerHostPolicy,
  ) {}

  /**
   * openmi fetches the signing keys of a credential's issuer from the issuer's host (OpenID
   * discovery), triggered by unauthenticated token requests; so an issuer must be a host openmi may
   * connect to (docs/managed-identity-tokens.md). Checked again, after DNS, at fetch time.
   */
  private async checkIssuerHost(issuer: string): Promise<void> {
    const why = this.issuerHosts.issuerRefusal(issuer);
    if (!why) return;
    // A registered JWKS is used without any fetch, so such an issuer may live anywhere.
    if (await this.store.federationIssuers.getByIssuer(issuer)) return;
    throw invalid(
      `The issuer '${issuer.slice(0, 100)}' is refused: ${why}. openmi fetches an issuer's signing keys from its host, so it trusts only issuers at public https hosts. ` +
        "Use the issuer's public URL; for an issuer on a private network, first register its JWKS with 'openmi federation-issuer add', or have an operator add its host to federationAllowedIssuerHosts.",
      { code: 'BadRequest', target: 'properties.issuer' },
    );
  }

  private async requireIdentity(a: IdentityAddress, repos: StoreRepos = this.store) {
    const identity = await repos.identities.get(identityId(a));
    if (!identity) throw resourceNotFound(UAI_TYPE, a.name, a.resourceGroup);
    return identity;
  }

  async get(a: IdentityAddress, name: string): Promise<FederatedCredentialRecord> {
    const identity = await this.requireIdentity(a);
    const f = await this.store.federatedCredentials.get(`${identity.id}/federatedIdentityCredentials/${name}`);
    if (!f)
      throw notFound(`The federated identity credential '${name}' of identity '${a.name}' was not found.`, {
        code: 'ResourceNotFound',
      });
    return f;
  }

  async put(
    a: IdentityAddress,
    name: string,
    input: FederatedCredentialInput,
    actor: Actor,
  ): Promise<{ credential: FederatedCredentialRecord; created: boolean }> {
    checkFederatedCredentialName(name);
    const fields = {
      issuer: checkIssuer(input.issuer),
      subject: checkSubject(input.subject),
      audiences: checkAudiences(input.audiences),
    };
    await this.checkIssuerHost(fields.issuer);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const identity = await tx.identities.get(identityId(a));
      if (!identity) throw resourceNotFound(UAI_TYPE, a.name, a.resourceGroup);
      const id = `${identity.id}/federatedIdentityCredentials/${name}`;
      const existing = await tx.federatedCredentials.get(id);
      const now = this.clock.now();
      const credential: FederatedCredentialRecord = existing
        ? { ...existing, ...fields, updatedAt: now }
        : { id, identityId: identity.id, name, ...fields, createdAt: now, updatedAt: now };
      if (existing) await tx.federatedCredentials.update(credential);
      else await tx.federatedCredentials.create(credential);
      batch.add(`${OP}/write`, credential.id, { ...fields, created: !existing });
      return { credential, created: !existing };
    });
  }

  async list(a: IdentityAddress, limit: number, after?: string): Promise<Page<FederatedCredentialRecord>> {
    const identity = await this.requireIdentity(a);
    return this.store.federatedCredentials.list(identity.id, limit, after);
  }

  async delete(a: IdentityAddress, name: string, actor: Actor): Promise<boolean> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const identity = await this.requireIdentity(a, tx);
      const id = `${identity.id}/federatedIdentityCredentials/${name}`;
      const deleted = await tx.federatedCredentials.delete(id);
      if (deleted) batch.add(`${OP}/delete`, id);
      return deleted;
    });
  }
}
