import type { KeyVaultRecord } from '../../../store/key-vault.js';
import type { CertificateService } from '../../key-vaults/certificates.js';
import type { KeyService } from '../../key-vaults/keys.js';
import type { KeyRotation } from '../../key-vaults/key-rotation.js';
import type { SecretService } from '../../key-vaults/secrets.js';

/** A request body: a JSON object, each route reads the members it knows. */
export type VaultBody = Record<string, unknown>;

/** What one request needs: its data action, the scope to check it at, and the work. */
export interface VaultOperation {
  dataAction: string;
  /** Object-level scopes (`…/vaults/{v}/secrets/{name}`, `…/keys/{name}`) let assignments target one object. */
  scope: string;
  needsBody: boolean;
  run(body: VaultBody): Promise<{ status: number; body?: unknown }>;
}

export interface Call {
  vault: KeyVaultRecord;
  origin: string;
  secrets: SecretService;
  keys: KeyService;
  rotation: KeyRotation;
  certificates: CertificateService;
}

/** `Microsoft.KeyVault/vaults/{kind}/{action}`: the data actions of the built-in roles (builtin-roles.json). */
export const vaultOp =
  (kind: 'secrets' | 'keys' | 'certificates') =>
  (dataAction: string, scope: string, run: VaultOperation['run'], needsBody = false): VaultOperation => ({
    dataAction: `Microsoft.KeyVault/vaults/${kind}/${dataAction}`,
    scope,
    needsBody,
    run,
  });

/** One page with every item: vaults here are small, and nextLink null is the SDK's last page. */
export const listPage = (value: unknown[]) => ({ value, nextLink: null });
