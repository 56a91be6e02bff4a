import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendEmpty, sendJson } from '../../../kernel/http/context.js';
import { BodyTooLargeError, readBody } from '../../../kernel/http/body.js';
import { parseJson } from '../../../kernel/json.js';
import type { Store } from '../../../store/store.js';
import { DataPlaneAuthError, type DataPlaneAuthenticator } from '../data-plane-auth/data-plane-auth.js';
import { KeyVaultError } from '../../key-vaults/errors.js';
import { vaultOperation } from './routes.js';
import { AZURE_VAULT_SUFFIX, labelUnder } from '../../../wire/azure-hosts.js';
import type { SecretService } from '../../key-vaults/secrets.js';
import type { KeyService } from '../../key-vaults/keys.js';
import type { KeyRotation } from '../../key-vaults/key-rotation.js';
import type { CertificateService } from '../../key-vaults/certificates.js';
import type { VaultBody } from './operation.js';

export interface VaultSurfaceDeps {
  store: Store;
  auth: DataPlaneAuthenticator;
  secrets: SecretService;
  keys: KeyService;
  rotation: KeyRotation;
  certificates: CertificateService;
  /** e.g. `openmi.localhost`: vaults answer on `{name}.vault.{zone}`. */
  zone: string;
  /** `{baseUrl}/{tenant}`, the authority the SDK gets a token from. */
  authorityUrl: string;
  /** The resource the challenge names: `vaultResource(zone, port)` with the port vault URLs carry. */
  resource: string;
  maxBodyBytes: number;
}

/**
 * The resource a vault advertises in its challenge: the SDKs require the vault URL's host to end
 * with `.` + the resource's host (docs/wire/key-vault.md), and Python's azure-keyvault-secrets compares
 * host *and* port (`urlparse(...).netloc`), so off port 443 the port is part of it:
 * `https://vault.{zone}:{port}`. JavaScript compares host names only and accepts both.
 */
export const vaultResource = (zone: string, port = ''): string =>
  `https://vault.${zone}${port && port !== '443' ? `:${port}` : ''}`;

/**
 * The resource Key Vault names on Azure's own host names (`{vault}.vault.azure.net`), where openmi
 * answers in transparent mode (docs/clients.md#transparent-mode).
 */
export const AZURE_VAULT_RESOURCE = 'https://vault.azure.net';

interface VaultOrigin {
  suffix: string;
  resource: string;
}

const sendError = (ctx: RequestContext, e: KeyVaultError, headers: Record<string, string> = {}): void =>
  sendJson(ctx.res, e.status, e.body(), headers);

/**
 * Key Vault secrets, keys and certificates, one origin per vault (`{vault}.vault.{zone}`), as @azure/keyvault-secrets
 * expects. Authentication comes before anything else, so the SDK's body-less first request gets
 * the 401 challenge rather than a 400; RBAC comes after the path has told us the data action.
 */
export class VaultSurface implements Surface {
  readonly name = 'key-vault';
  private readonly origins: readonly VaultOrigin[];

  constructor(private readonly d: VaultSurfaceDeps) {
    this.origins = [
      { suffix: `.vault.${d.zone.toLowerCase()}`, resource: d.resource },
      { suffix: AZURE_VAULT_SUFFIX, resource: AZURE_VAULT_RESOURCE },
    ];
  }

  /** The vault's name and the challenge resource of the zone its host is under. */
  private originOf(hostname: string): { name: string; resource: string } | undefined {
    for (const o of this.origins) {
      const name = labelUnder(hostname, o.suffix);
      if (name !== undefined) return { name, resource: o.resource };
    }
    return undefined;
  }

  matches(ctx: RequestContext): boolean {
    return this.originOf(ctx.hostname) !== undefined;
  }

  async handle(ctx: RequestContext): Promise<void> {
    const caller = await this.d.auth.authenticate(ctx.req.headers.authorization);
    const name = this.originOf(ctx.hostname)?.name ?? '';
    const vault = await this.d.store.keyVaults.getByName(name);
    if (!vault) throw new KeyVaultError('VaultNotFound', `Vault '${name}' does not exist.`);
    const origin = `https://${ctx.req.headers.host}`;
    const operation = vaultOperation(
      {
        vault,
        origin,
        secrets: this.d.secrets,
        keys: this.d.keys,
        rotation: this.d.rotation,
        certificates: this.d.certificates,
      },
      ctx.method,
      ctx.segments,
    );
    await this.d.auth.authorize(caller, operation.dataAction, operation.scope);
    const body = operation.needsBody ? await this.readInput(ctx) : {};
    const result = await operation.run(body);
    if (result.body === undefined) sendEmpty(ctx.res, result.status);
    else sendJson(ctx.res, result.status, result.body);
  }

  renderError(ctx: RequestContext, err: unknown): void {
    if (err instanceof DataPlaneAuthError) {
      const headers: Record<string, string> = {};
      // No spaces inside quoted values: the SDK's challenge parser splits on them.
      if (err.status === 401)
        headers['www-authenticate'] =
          `Bearer authorization="${this.d.authorityUrl}", resource="${this.originOf(ctx.hostname)?.resource ?? this.d.resource}"`;
      const e =
        err.status === 401
          ? new KeyVaultError('Unauthorized', err.message)
          : new KeyVaultError('Forbidden', err.message, 'ForbiddenByRbac');
      return sendError(ctx, e, headers);
    }
    if (err instanceof KeyVaultError) return sendError(ctx, err);
    if (err instanceof BodyTooLargeError) return sendError(ctx, new KeyVaultError('RequestTooLarge', err.message));
    ctx.log.error({ err }, 'key vault request failed');
    sendError(ctx, new KeyVaultError('InternalServerError', 'The vault could not process the request.'));
  }

  private async readInput(ctx: RequestContext): Promise<VaultBody> {
    const raw = await readBody(ctx.req, this.d.maxBodyBytes);
    let body: unknown;
    try {
      body = parseJson(raw.toString('utf8') || '{}');
    } catch {
      throw new KeyVaultError('BadParameter', 'The request body is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new KeyVaultError('BadParameter', 'The request body must be a JSON object.');
    return body as VaultBody;
  }
}
