import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphError } from './graph-errors.js';
import { MAX_FILTER_LENGTH, parseSignInFilter, splitAnd } from './sign-in-filter.js';

const T = Date.UTC(2026, 2, 1, 10, 0, 0);

/** Asserts a Graph 400 whose message names `fragment`. */
function refused(filter: string, fragment: string, code = 'Request_UnsupportedQuery'): void {
  assert.throws(
    () => parseSignInFilter(filter),
    (e: unknown) =>
      e instanceof GraphError && e.status === 400 && e.code === code && e.message.includes(fragment) ? true : false,
    filter.slice(0, 100),
  );
}

describe('Graph sign-in $filter: the documented subset', () => {
  it('reads no filter, and each clause alone', () => {
    assert.deepEqual(parseSignInFilter(null), {});
    assert.deepEqual(parseSignInFilter('  '), {});
    assert.deepEqual(parseSignInFilter("signInEventTypes/any(t: t eq 'managedIdentity')"), {
      eventType: 'managedIdentity',
    });
    assert.deepEqual(parseSignInFilter("signInEventTypes/any(x:x eq 'servicePrincipal')"), {
      eventType: 'servicePrincipal',
    });
    assert.deepEqual(parseSignInFilter("servicePrincipalId eq 'ABC'"), { servicePrincipalId: 'ABC' });
    assert.deepEqual(parseSignInFilter("appId eq 'it''s'"), { appId: "it's" });
    assert.deepEqual(parseSignInFilter('createdDateTime ge 2026-03-01T10:00:00Z'), { from: T });
    assert.deepEqual(parseSignInFilter('createdDateTime gt 2026-03-01T10:00:00Z'), { from: T + 1 });
    assert.deepEqual(parseSignInFilter('createdDateTime le 2026-03-01T10:00:00.000Z'), { to: T });
    assert.deepEqual(parseSignInFilter('createdDateTime lt 2026-03-01T11:00:00+01:00'), { to: T - 1 });
    assert.deepEqual(parseSignInFilter('status/errorCode eq 0'), { errorCode: { op: 'eq', value: 0 } });
    assert.deepEqual(parseSignInFilter('status/errorCode eq 700016'), { errorCode: { op: 'eq', value: 700016 } });
    assert.deepEqual(parseSignInFilter('status/errorCode ne 0'), { errorCode: { op: 'ne', value: 0 } });
  });

  it("reads an 'and' of every clause, case-insensitively, with a time range", () => {
    const f = parseSignInFilter(
      "signInEventTypes/any(t: t eq 'ManagedIdentity') AND appId eq 'a and b' and servicePrincipalId eq 'p' " +
        'and createdDateTime ge 2026-03-01T10:00:00Z and createdDateTime le 2026-03-01T11:00:00Z and status/errorCode ne 0',
    );
    assert.deepEqual(f, {
      eventType: 'managedIdentity',
      appId: 'a and b',
      servicePrincipalId: 'p',
      from: T,
      to: T + 3_600_000,
      errorCode: { op: 'ne', value: 0 },
    });
  });

  it('splits only at top-level and', () => {
    assert.deepEqual(splitAnd("a eq 'x and y' and b eq 'z'"), ["a eq 'x and y'", "b eq 'z'"]);
    assert.deepEqual(splitAnd("s/any(t: t eq 'a' and t eq 'b')"), ["s/any(t: t eq 'a' and t eq 'b')"]);
    assert.deepEqual(splitAnd('candy eq 1 and band eq 2'), ['candy eq 1', 'band eq 2']);
  });
});

describe('Graph sign-in $filter: everything else is a 400 naming the clause', () => {
  it('refuses clauses, operators and values outside the subset', () => {
    refused("userId eq 'x'", "'userId eq 'x''");
    refused("appId eq 'a' or appId eq 'b'", 'or appId');
    refused("startsWith(appId, 'a')", 'startsWith');
    refused("appId ne 'a'", "appId ne 'a'");
    refused('status/errorCode ne 50000', 'ne compares with 0 only');
    refused('status/errorCode eq -1', 'status/errorCode eq -1');
    refused('status/errorCode eq 12345678901', '12345678901');
    refused("signInEventTypes/any(t: t eq 'robot')", 'the sign-in event types are');
    refused("signInEventTypes/any(t: u eq 'managedIdentity')", 'signInEventTypes');
    refused("signInEventTypes/all(t: t eq 'managedIdentity')", 'all(');
    refused('createdDateTime ge yesterday', 'createdDateTime takes ISO 8601');
    refused('createdDateTime ge 2026-02-30T00:00:00Z', '2026-02-30');
    refused('createdDateTime eq 2026-03-01T10:00:00Z', 'createdDateTime eq');
    refused("appId eq 'a' and appId eq 'b'", 'appId may appear once');
    refused("appId eq 'a' and", "appId eq 'a' and");
    refused("appId eq 'a' and  and appId eq 'b'", "'and appId eq 'b''");
  });

  it('refuses hostile input quickly and without echoing it whole', () => {
    refused("appId eq 'unterminated", 'unbalanced', 'BadRequest');
    refused("signInEventTypes/any(t: t eq 'managedIdentity'", 'unbalanced', 'BadRequest');
    refused(')(', 'unbalanced', 'BadRequest');
    refused('x'.repeat(MAX_FILTER_LENGTH + 1), `at most ${MAX_FILTER_LENGTH}`, 'BadRequest');
    refused(Array.from({ length: 9 }, () => 'status/errorCode ne 0').join(' and '), 'at most 8', 'BadRequest');
    // Deep nesting, quote storms and NULs: bounded by the length limit, and answered as a 400.
    refused('('.repeat(1000) + ')'.repeat(1000), '((((', 'Request_UnsupportedQuery');
    refused("''".repeat(1000), "''''", 'Request_UnsupportedQuery');
    refused("appId eq '\u0000' or 1 eq 1", 'or 1 eq 1');
    const long = `appId eq '${'a'.repeat(500)}' or x`;
    assert.throws(
      () => parseSignInFilter(long),
      (e: unknown) => e instanceof GraphError && e.message.length < 400,
    );
    // Near-misses of the quote and time patterns with long runs: refused, not backtracked into a hang.
    for (const s of [`appId eq '${"''".repeat(1000)}`, `createdDateTime ge ${' '.repeat(2000)}`, ' and'.repeat(500)])
      assert.throws(() => parseSignInFilter(s), GraphError);
  });
});
