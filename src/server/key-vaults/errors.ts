/**
 * The Key Vault error codes openmi sends, with their status, and the inner codes that refine some
 * (https://learn.microsoft.com/azure/key-vault/general/rest-error-codes).
 */
export const KEY_VAULT_ERROR_STATUS = {
  BadParameter: 400,
  Unauthorized: 401,
  Forbidden: 403,
  VaultNotFound: 404,
  SecretNotFound: 404,
  KeyNotFound: 404,
  CertificateNotFound: 404,
  Conflict: 409,
  RequestTooLarge: 413,
  InternalServerError: 500,
} as const;

export type KeyVaultErrorCode = keyof typeof KEY_VAULT_ERROR_STATUS;
export type KeyVaultInnerCode =
  'ForbiddenByRbac' | 'SecretDisabled' | 'KeyDisabled' | 'KeyOperationForbidden' | 'ObjectIsDeletedButRecoverable';

/** A Key Vault data-plane error, rendered as `{error:{code,message,innererror?}}` (the SDK surfaces `code`). */
export class KeyVaultError extends Error {
  readonly status: number;
  constructor(
    readonly code: KeyVaultErrorCode,
    message: string,
    readonly innerCode?: KeyVaultInnerCode,
  ) {
    super(message);
    this.status = KEY_VAULT_ERROR_STATUS[code];
  }

  body(): { error: { code: string; message: string; innererror?: { code: string } } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.innerCode ? { innererror: { code: this.innerCode } } : {}),
      },
    };
  }
}
