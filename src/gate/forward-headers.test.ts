import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forwardHeaders, responseHeaders, setIdentityHeaders } from './forward-headers.js';

const caller = { principalId: 'p-1', clientId: 'c-1', identityResourceId: undefined, tenantId: 't', issuedAt: 0 };

describe('gate forwarded headers', () => {
  it('drops hop-by-hop headers, those the Connection header names, and client-sent identity and address headers', () => {
    const out = forwardHeaders(
      {
        host: 'gate:8081',
        connection: 'keep-alive, X-OpenMI-Principal-Id, x-custom-hop',
        'keep-alive': 'timeout=5',
        upgrade: 'websocket',
        te: 'trailers',
        'proxy-authorization': 'Basic eA==',
        'x-custom-hop': '1',
        'x-openmi-principal-id': 'spoofed',
        'x-openmi-identity-resource-id': 'spoofed',
        'x-openmi-anything-else': 'spoofed',
        'x-forwarded-for': '10.0.0.1',
        'x-forwarded-host': 'evil',
        forwarded: 'for=10.0.0.1',
        'x-real-ip': '10.0.0.1',
        'x-original-url': '/admin',
        authorization: 'Bearer t',
        accept: 'application/json',
      },
      { remoteAddress: '127.0.0.1', upstreamHost: 'upstream:8080', caller },
    );
    assert.deepEqual(out, {
      accept: 'application/json',
      authorization: 'Bearer t',
      host: 'upstream:8080',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': 'gate:8081',
      'x-forwarded-proto': 'http',
      'x-openmi-principal-id': 'p-1',
      'x-openmi-client-id': 'c-1',
    });
  });

  it('sets the body framing itself: a length stays, a chunked body is re-chunked, nothing else is invented', () => {
    const ctx = { remoteAddress: undefined, upstreamHost: 'u', caller: undefined };
    assert.equal(forwardHeaders({ 'content-length': '5', connection: 'content-length' }, ctx)['content-length'], '5');
    assert.equal(forwardHeaders({ 'transfer-encoding': 'gzip, chunked' }, ctx)['transfer-encoding'], 'chunked');
    const none = forwardHeaders({ 'x-openmi-principal-id': 'spoofed' }, ctx);
    assert.deepEqual(
      none,
      { host: 'u', 'x-forwarded-proto': 'http' },
      'an unauthenticated forward carries no identity at all',
    );
  });

  it("does not pass on the client's Expect: the gate answers it and asks the upstream itself", () => {
    const ctx = { remoteAddress: undefined, upstreamHost: 'u', caller: undefined };
    const out = forwardHeaders({ expect: '100-continue', 'content-length': '5' }, ctx);
    assert.equal(out['expect'], undefined);
    assert.equal(out['content-length'], '5');
  });

  it('answers without the upstream hop-by-hop headers', () => {
    assert.deepEqual(
      responseHeaders({
        connection: 'close, x-hop',
        'x-hop': '1',
        'transfer-encoding': 'chunked',
        'content-type': 'text/plain',
      }),
      { 'content-type': 'text/plain' },
    );
  });

  it('the middleware replaces every client-sent x-openmi-* header', () => {
    const h: Record<string, string> = {
      'x-openmi-principal-id': 'spoofed',
      'x-openmi-tenant': 'spoofed',
      accept: '*/*',
    };
    setIdentityHeaders(h, caller);
    assert.deepEqual(h, { accept: '*/*', 'x-openmi-principal-id': 'p-1', 'x-openmi-client-id': 'c-1' });
  });
});
