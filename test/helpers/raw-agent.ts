import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import type { TestServer } from './server.js';
import { httpsRequest, type HttpsResponse } from './https.js';

/**
 * A hand-made agent for tests of the server's agent API: the server is the thing under test, so
 * the client side is spelled out here (and can forge what a real agent never sends).
 */
/** The server an agent talks to: an in-process TestServer or a child `openmi serve`. */
export type AgentTarget = Pick<TestServer, 'ca'> & { server: { baseUrl: string } };

export class RawAgent {
  readonly key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  id = '';
  constructor(
    private readonly t: AgentTarget,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Enrolls with a join token; on 201 the agent takes the id the server gave it. */
  async enroll(joinToken: string): Promise<HttpsResponse> {
    const publicJwk = this.key.publicKey.export({ format: 'jwk' });
    const r = await this.call('POST', 'enroll', { joinToken, publicJwk, hostname: 'test-host' }, false);
    if (r.status === 201) this.id = r.json.agentId as string;
    return r;
  }

  token(resource: string, selector?: { name: string; value: string }): Promise<HttpsResponse> {
    return this.call('POST', 'token', { resource, ...(selector ? { selector } : {}) });
  }

  assertion(over: Record<string, unknown> = {}, alg = 'ES256', key: KeyObject = this.key.privateKey): string {
    const iat = Math.floor(this.clock.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid: this.id })).toString('base64url');
    const claims = {
      iss: this.id,
      sub: this.id,
      aud: `${this.t.server.baseUrl}/openmi/agent/v1`,
      iat,
      exp: iat + 120,
      jti: randomUUID(),
      ...over,
    };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }

  /** `auth`: true signs a fresh assertion, a string sends that assertion, false sends none. */
  call(method: string, path: string, body?: unknown, auth: boolean | string = true): Promise<HttpsResponse> {
    const headers: Record<string, string> = {};
    if (auth) headers['authorization'] = `OpenMI-Agent ${typeof auth === 'string' ? auth : this.assertion()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return httpsRequest(`${this.t.server.baseUrl}/openmi/agent/v1/${path}`, {
      method,
      ca: this.t.ca,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }
}
