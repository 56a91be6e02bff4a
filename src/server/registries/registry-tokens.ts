import type { Clock } from '../../kernel/clock.js';
import { DomainError } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import type { Authorizer } from '../rbac/authorizer.js';
import { JwtVerifyError } from '../tokens/jwt/verify.js';
import type { BearerVerifier } from '../tokens/revocation-check.js';
import { refuseRevoked, type RevocationLookup } from '../tokens/revocation-check.js';
import type { SignInEvent, SignInRecorder } from '../audit/sign-ins.js';
import type { RegistryJwt } from './registry-jwt.js';
import type { RegistryService } from './registries.js';
import { grantedActions, parseScopes, type RepositoryAccess } from './registry-scopes.js';

/** The audiences ACR takes at /oauth2/exchange (https://learn.microsoft.com/en-us/azure/container-registry/container-registry-authentication). */
export const REGISTRY_AUDIENCES = [
  'https://containerregistry.azure.net',
  'https://containerregistry.azure.net/',
  'https://management.azure.com',
  'https://management.azure.com/',
];
/** ACR's refresh tokens last 3 hours (https://learn.microsoft.com/en-us/azure/container-registry/container-registry-authentication#az-acr-login-with---expose-token). */
const REFRESH_SECONDS = 3 * 3600;
const ACCESS_SECONDS = 20 * 60;

export interface RegistryTokenDeps {
  registries: RegistryService;
  verifier: BearerVerifier;
  revocations: RevocationLookup;
  authorizer: Authorizer;
  jwt: RegistryJwt;
  clock: Clock;
  random: Random;
  signIns: SignInRecorder;
  /** What /oauth2/exchange accepts: REGISTRY_AUDIENCES and this server's own ARM audiences (as ACR takes ARM tokens from `az acr login`). */
  audiences: readonly string[];
  /** `iss` of the registry's tokens; the registry's `auth.token.issuer`. */
  issuer: string;
}

const refuse = (message: string, code: 'UNAUTHORIZED' | 'DENIED' = 'UNAUTHORIZED'): never => {
  throw new DomainError(code === 'DENIED' ? 'forbidden' : 'unauthenticated', message);
};

/**
 * ACR's token service in front of a Distribution registry: an Entra access token becomes a
 * registry refresh token, which buys registry access tokens for the repository actions RBAC grants
 * at the registry's scope (AcrPull: pull; AcrPush: pull, push). Every call is a sign-in row.
 */
export class RegistryTokenService {
  constructor(private readonly d: RegistryTokenDeps) {}

  async exchange(registryName: string, form: { service: string; accessToken: string }): Promise<string> {
    const started = this.d.clock.now();
    let event: Partial<SignInEvent> = { audience: form.service };
    try {
      const r = await this.registry(registryName);
      const claims = await this.verifyAccessToken(form.accessToken);
      event = { ...event, principalId: str(claims['oid']), identityResourceId: str(claims['xms_mirid']) };
      const now = Math.floor(this.d.clock.now() / 1000);
      const token = this.d.jwt.sign({
        jti: this.d.random.uuid(),
        iss: this.d.issuer,
        sub: claims['oid'],
        aud: form.service,
        nbf: now - 60,
        iat: now,
        exp: now + REFRESH_SECONDS,
        grant_type: 'refresh_token',
        registry: r.name.toLowerCase(),
        tenant: claims['tid'],
        xms_mirid: claims['xms_mirid'],
      });
      await this.record(event, started);
      return token;
    } catch (e) {
      await this.record(event, started, e);
      throw e;
    }
  }

  /** An access token for what the scopes ask and RBAC allows; repositories allowed nothing get an empty action list. */
  async token(
    registryName: string,
    form: { service: string; refreshToken: string; scopes: string[] },
  ): Promise<string> {
    const started = this.d.clock.now();
    let event: Partial<SignInEvent> = { audience: form.service };
    try {
      const r = await this.registry(registryName);
      const claims = await this.readRefreshToken(form.refreshToken, r.name, form.service);
      const principalId = String(claims['sub']);
      event = { ...event, principalId, identityResourceId: str(claims['xms_mirid']) };
      const access: RepositoryAccess[] = [];
      for (const s of parseScopes(form.scopes))
        access.push({ ...s, actions: await grantedActions(this.d.authorizer, principalId, r.id, s.actions) });
      const now = Math.floor(this.d.clock.now() / 1000);
      const token = this.d.jwt.sign({
        jti: this.d.random.uuid(),
        iss: this.d.issuer,
        sub: principalId,
        aud: form.service,
        nbf: now - 60,
        iat: now,
        exp: now + ACCESS_SECONDS,
        access,
      });
      await this.record(event, started);
      return token;
    } catch (e) {
      await this.record(event, started, e);
      throw e;
    }
  }

  private async registry(name: string) {
    const r = await this.d.registries.byName(name);
    if (!r)
      throw new DomainError(
        'not_found',
        `No registry is named '${name}'. Create it with PUT …/providers/Microsoft.ContainerRegistry/registries/${name}.`,
      );
    return r;
  }

  private async verifyAccessToken(token: string): Promise<Record<string, unknown>> {
    try {
      const jwt = await this.d.verifier.verify(token, this.d.audiences);
      await refuseRevoked(this.d.revocations, jwt.claims);
      return jwt.claims;
    } catch (e) {
      if (!(e instanceof JwtVerifyError)) throw e;
      return refuse(
        `The access token is not valid for the registry: ${e.message} (ask for resource https://containerregistry.azure.net).`,
      );
    }
  }

  private async readRefreshToken(token: string, registry: string, service: string): Promise<Record<string, unknown>> {
    const c = this.d.jwt.read(token);
    if (!c || c['grant_type'] !== 'refresh_token' || typeof c['sub'] !== 'string')
      return refuse('The refresh token is not one this registry issued; get one from POST /oauth2/exchange.');
    if (c['registry'] !== registry.toLowerCase() || c['aud'] !== service)
      return refuse(`The refresh token was issued for another registry or service than '${service}'.`);
    if (typeof c['exp'] !== 'number' || c['exp'] * 1000 <= this.d.clock.now())
      return refuse('The refresh token has expired; exchange a fresh access token at POST /oauth2/exchange.');
    try {
      await refuseRevoked(this.d.revocations, { oid: c['sub'], iat: c['iat'] });
    } catch (e) {
      if (e instanceof JwtVerifyError) return refuse(`${e.message}.`);
      throw e;
    }
    return c;
  }

  private async record(e: Partial<SignInEvent>, started: number, err?: unknown): Promise<void> {
    const now = this.d.clock.now();
    await this.d.signIns.record({
      at: started,
      correlationId: this.d.random.uuid(),
      flow: 'containerRegistry',
      principalId: e.principalId ?? null,
      clientId: null,
      identityResourceId: e.identityResourceId ?? null,
      callingResourceId: null,
      agentId: null,
      audience: e.audience ?? null,
      result: err ? 'failure' : 'success',
      errorCode: err ? (err instanceof DomainError ? err.kind : 'server_error') : null,
      reason: err ? (err as Error).message : null,
      latencyMs: now - started,
    });
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
