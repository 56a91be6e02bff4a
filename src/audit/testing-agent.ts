import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { TestServer } from '../testing/server.js';
import { httpsRequest, type HttpsResponse } from '../testing/https.js';

/** A minimal hand-made agent (test helper): enrolls with a join token and mints tokens. */
export class AuditTestAgent {
  private readonly key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  id = '';
  constructor(private readonly t: TestServer) {}

  async enroll(joinToken: string): Promise<void> {
    const publicJwk = this.key.publicKey.export({ format: 'jwk' });
    const r = await this.call('POST', 'enroll', { joinToken, publicJwk, hostname: 'audit-host' }, false);
    if (r.status !== 201) throw new Error(`enroll failed: ${r.status} ${r.text}`);
    this.id = r.json.agentId as string;
  }

  token(resource: string, selector?: { name: string; value: string }): Promise<HttpsResponse> {
    return this.call('POST', 'token', { resource, ...(selector ? { selector } : {}) });
  }

  private assertion(): string {
    const iat = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: this.id })).toString('base64url');
    const claims = { iss: this.id, sub: this.id, aud: `${this.t.server.baseUrl}/openmi/agent/v1`, iat, exp: iat + 120, jti: randomUUID() };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: this.key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }

  private call(method: string, path: string, body: unknown, auth = true): Promise<HttpsResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers['authorization'] = `OpenMI-Agent ${this.assertion()}`;
    return httpsRequest(`${this.t.server.baseUrl}/openmi/agent/v1/${path}`, { method, ca: this.t.ca, headers, body: JSON.stringify(body) });
  }
}
