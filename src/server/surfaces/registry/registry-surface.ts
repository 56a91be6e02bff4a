import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { BodyTooLargeError, bodyRefusal, readBody } from '../../../kernel/http/body.js';
import { isDomainError } from '../../../kernel/errors.js';
import type { RegistryTokenService } from '../../registries/registry-tokens.js';

/** The user name `az acr login --expose-token` prints: the password is then a refresh token. */
export const REFRESH_TOKEN_USER = '00000000-0000-0000-0000-000000000000';
const MAX_FORM_BYTES = 32 * 1024;
/** `/acr/{registry}/oauth2/{exchange|token}` on openmi's own origin (docs/registries.md). */
const PATH = /^\/acr\/([A-Za-z0-9]{5,50})\/oauth2\/(exchange|token)$/;

class RegistryRequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 405,
    message: string,
  ) {
    super(message);
  }
}

/**
 * ACR's token endpoints as Docker token-auth clients call them
 * (https://distribution.github.io/distribution/spec/auth/token/; ACR's exchange:
 * https://learn.microsoft.com/en-us/azure/container-registry/container-registry-authentication),
 * routed by path on openmi's origin (docs/registries.md). Errors use the registry's envelope
 * `{errors:[{code,message}]}` that Docker clients print.
 */
export class RegistrySurface implements Surface {
  readonly name = 'registry';
  constructor(private readonly tokens: RegistryTokenService) {}

  matches(ctx: RequestContext): boolean {
    return ctx.path.startsWith('/acr/');
  }

  renderError(ctx: RequestContext, err: unknown): void {
    const status = err instanceof RegistryRequestError ? err.status : statusOf(err);
    if (status === 500) ctx.log.error({ err }, 'registry token request failed');
    const code =
      status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'DENIED' : status === 404 ? 'NAME_UNKNOWN' : 'UNSUPPORTED';
    const message = status === 500 ? 'The registry token service failed; see the server log.' : (err as Error).message;
    sendJson(ctx.res, status, { errors: [{ code, message }] });
  }

  async handle(ctx: RequestContext): Promise<void> {
    const m = PATH.exec(ctx.path);
    if (!m)
      throw new RegistryRequestError(
        400,
        'Registry token paths are /acr/{registry}/oauth2/exchange and /acr/{registry}/oauth2/token.',
      );
    const form = await this.formOf(ctx);
    if (m[2] === 'exchange') return this.exchange(ctx, m[1]!, form);
    return this.token(ctx, m[1]!, form);
  }

  private async exchange(ctx: RequestContext, registry: string, form: URLSearchParams): Promise<void> {
    if (ctx.method !== 'POST') throw new RegistryRequestError(405, 'Use POST with a form body for /oauth2/exchange.');
    if (form.get('grant_type') !== 'access_token')
      throw new RegistryRequestError(400, "grant_type must be 'access_token' (an Entra access token in access_token).");
    const service = required(form, 'service');
    const accessToken = required(form, 'access_token');
    const refreshToken = await this.tokens.exchange(registry, { service, accessToken });
    sendJson(ctx.res, 200, { refresh_token: refreshToken });
  }

  /** GET with Basic (docker, skopeo) or POST with grant_type=refresh_token (az acr, oras). */
  private async token(ctx: RequestContext, registry: string, form: URLSearchParams): Promise<void> {
    const refreshToken = form.get('refresh_token') ?? basicPassword(ctx.req.headers.authorization);
    if (!refreshToken)
      throw new RegistryRequestError(
        401,
        `Sign in with user ${REFRESH_TOKEN_USER} and a refresh token from /oauth2/exchange as the password (openmi acr login --expose-token).`,
      );
    const service = required(form, 'service');
    const accessToken = await this.tokens.token(registry, { service, refreshToken, scopes: form.getAll('scope') });
    sendJson(ctx.res, 200, { access_token: accessToken, token: accessToken });
  }

  private async formOf(ctx: RequestContext): Promise<URLSearchParams> {
    if (ctx.method === 'GET') return ctx.query;
    if (ctx.method !== 'POST') throw new RegistryRequestError(405, 'Use GET or POST.');
    try {
      const body = new URLSearchParams((await readBody(ctx.req, MAX_FORM_BYTES)).toString('utf8'));
      for (const [k, v] of ctx.query) if (!body.has(k)) body.append(k, v);
      return body;
    } catch (e) {
      if (e instanceof BodyTooLargeError)
        throw new RegistryRequestError(400, bodyRefusal(e, `The form is larger than ${MAX_FORM_BYTES} bytes.`));
      throw e;
    }
  }
}

function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (!v) throw new RegistryRequestError(400, `The '${name}' parameter is required.`);
  return v;
}

/** The password of `Basic base64(user:password)` when the user is the refresh-token user. */
function basicPassword(header: string | undefined): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0 || text.slice(0, colon) !== REFRESH_TOKEN_USER) return undefined;
  return text.slice(colon + 1);
}

function statusOf(err: unknown): number {
  if (!isDomainError(err)) return 500;
  return { not_found: 404, unauthenticated: 401, forbidden: 403, invalid: 400 }[err.kind as string] ?? 400;
}
