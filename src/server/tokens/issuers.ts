/**
 * Issuer and endpoint URLs of the token service. Like Entra, one tenant path per directory:
 * v1 issuer `{base}/{tid}/` (Entra: https://sts.windows.net/{tid}/) and v2 `{base}/{tid}/v2.0`.
 */
export class Authority {
  constructor(readonly baseUrl: string) {}

  issuerV1(tenantId: string): string {
    return `${this.baseUrl}/${tenantId}/`;
  }
  issuerV2(tenantId: string): string {
    return `${this.baseUrl}/${tenantId}/v2.0`;
  }
  /** Every issuer a token of this tenant may carry. */
  issuers(tenantId: string): string[] {
    return [this.issuerV1(tenantId), this.issuerV2(tenantId)];
  }
  tenantUrl(tenantId: string): string {
    return `${this.baseUrl}/${tenantId}`;
  }
}
