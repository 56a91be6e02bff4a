import assert from 'node:assert/strict';
import { validateHeaderValue } from 'node:http';
import { describe, it } from 'node:test';
import { headerText, percentEncodeNonAscii, quotedHeaderText } from './header-text.js';

describe('header text', () => {
  const hostile = ['key-€😀', 'k'.repeat(5000), 'a\u0000\r\nX-Injected: 1', '\ud800', 'é', '…', '"\\'];

  it('whatever the input, the result is a valid header value of bounded length', () => {
    for (const v of hostile) {
      const h = headerText(v, 200);
      assert.doesNotThrow(() => validateHeaderValue('x-test', h), JSON.stringify(v));
      assert.ok(h.length <= 200);
      assert.match(h, /^[\x20-\x7e]*$/);
    }
    assert.equal(headerText('k'.repeat(300), 10), 'kkkkkkk...');
  });

  it('quoted text cannot end or escape its quoted-string', () => {
    assert.equal(quotedHeaderText('say "hi" \\ bye'), "say 'hi' ' bye");
  });

  it('percent-encoding past ASCII is lossless and header-safe', () => {
    for (const v of ['/subscriptions/x/resourceGroups/rg-ğüş', '100%', 'plain-ascii', 'a\u0000b']) {
      const e = percentEncodeNonAscii(v);
      assert.doesNotThrow(() => validateHeaderValue('x-test', e));
      assert.equal(decodeURIComponent(e), v);
    }
    assert.equal(percentEncodeNonAscii('plain'), 'plain');
    assert.equal(percentEncodeNonAscii('\ud800'), '%EF%BF%BD');
  });
});
