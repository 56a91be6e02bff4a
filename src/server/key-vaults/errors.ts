/** A Key Vault data-plane error, rendered as `{error:{code,message,innererror?}}` (the SDK surfaces `code`). */
export class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string; innererror?: { code: string } } } {
    return { error: { code: this.code, message: this.message, ...(this.innerCode ? { innererror: { code: this.innerCode } } : {}) } };
  }
}
