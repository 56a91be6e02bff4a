import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseGateConfig, type PathCase } from './rules.js';
import { matchRule } from './rule-match.js';

const rules = [
  { method: '*', path: '/admin/**', dataAction: 'admin' },
  { method: 'GET', path: '/public/**', dataAction: 'read' },
  { method: 'POST', path: '/public/*', dataAction: 'write' },
  { method: 'GET', path: '/**', dataAction: 'read-any' },
];
const policy = (pathCase: PathCase, extra: object[] = []) => parseGateConfig({ rules: [...extra, ...rules], pathCase });
const seg = (p: string) => p.split('/').filter(Boolean);

describe('gate rules', () => {
  it('first match wins; * matches one segment, ** the rest or nothing', () => {
    const p = policy('sensitive');
    assert.deepEqual(matchRule(p, 'GET', seg('/admin')), { kind: 'action', dataAction: 'admin' });
    assert.deepEqual(matchRule(p, 'GET', seg('/public/a/b')), { kind: 'action', dataAction: 'read' });
    assert.deepEqual(matchRule(p, 'POST', seg('/public/a')), { kind: 'action', dataAction: 'write' });
    assert.deepEqual(matchRule(p, 'POST', seg('/public/a/b')), { kind: 'none' });
    assert.deepEqual(matchRule(p, 'DELETE', seg('/admin/x')), { kind: 'action', dataAction: 'admin' });
  });

  it('HEAD follows the GET rules unless a rule names HEAD', () => {
    assert.deepEqual(matchRule(policy('sensitive'), 'HEAD', seg('/public/a')), { kind: 'action', dataAction: 'read' });
    assert.deepEqual(matchRule(policy('sensitive'), 'HEAD', seg('/admin/a')), { kind: 'action', dataAction: 'admin' });
    const withHead = policy('sensitive', [{ method: 'HEAD', path: '/public/**', dataAction: 'probe' }]);
    assert.deepEqual(matchRule(withHead, 'HEAD', seg('/public/a')), { kind: 'action', dataAction: 'probe' });
    assert.deepEqual(matchRule(withHead, 'HEAD', seg('/other')), { kind: 'action', dataAction: 'read-any' });
    assert.deepEqual(matchRule(withHead, 'GET', seg('/public/a')), { kind: 'action', dataAction: 'read' });
  });

  it('OPTIONS (under "authorize") needs a rule naming it or *', () => {
    assert.deepEqual(matchRule(policy('sensitive'), 'OPTIONS', seg('/public/a')), { kind: 'none' });
    assert.deepEqual(matchRule(policy('sensitive'), 'OPTIONS', seg('/admin/a')), {
      kind: 'action',
      dataAction: 'admin',
    });
  });

  it('pathCase: sensitive compares exactly, insensitive folds ASCII only, strict refuses a rule that depends on case', () => {
    assert.deepEqual(matchRule(policy('sensitive'), 'GET', seg('/ADMIN/x')), {
      kind: 'action',
      dataAction: 'read-any',
    });
    assert.deepEqual(matchRule(policy('insensitive'), 'GET', seg('/ADMIN/x')), { kind: 'action', dataAction: 'admin' });
    assert.deepEqual(matchRule(policy('strict'), 'GET', seg('/ADMIN/x')), { kind: 'case-ambiguous' });
    assert.deepEqual(matchRule(policy('strict'), 'GET', seg('/Other/x')), { kind: 'action', dataAction: 'read-any' });
    assert.deepEqual(matchRule(policy('strict'), 'GET', seg('/admin/x')), { kind: 'action', dataAction: 'admin' });
    // U+212A KELVIN SIGN lower-cases to 'k' in JavaScript; routers do not fold it.
    const k = parseGateConfig({ rules: [{ method: 'GET', path: '/key', dataAction: 'key' }], pathCase: 'insensitive' });
    assert.deepEqual(matchRule(k, 'GET', ['\u212Aey']), { kind: 'none' });
    assert.deepEqual(matchRule(k, 'GET', ['KEY']), { kind: 'action', dataAction: 'key' });
  });

  it('defaults are explicit: pathCase strict, options authorize', () => {
    const p = parseGateConfig({ rules: [] });
    assert.equal(p.pathCase, 'strict');
    assert.equal(p.options, 'authorize');
  });

  it('refuses configs that could silently mean something else', () => {
    const bad: [unknown, RegExp][] = [
      [{ rules: [], caseSensitive: false }, /unknown key 'caseSensitive'/],
      [
        { rules: [{ method: 'GET', path: '/a', dataAction: 'x', ignoreCase: true }] },
        /gate rule 0 has an unknown key 'ignoreCase'/,
      ],
      [{ rules: [], pathCase: 'maybe' }, /"pathCase" must be one of "strict", "sensitive", "insensitive"/],
      [{ rules: [], options: 'allow' }, /"options" must be one of "authorize", "forward-unauthenticated"/],
      [{ rules: [{ method: 'GET', path: '/a/../b', dataAction: 'x' }] }, /dot segments never match/],
      [{ rules: [{ method: 'GET', path: '/a//b', dataAction: 'x' }] }, /empty segments never match/],
      [{ rules: [{ method: 'GET', path: '/a%20b', dataAction: 'x' }] }, /write the path decoded/],
      [{ rules: [{ method: 'GET', path: '/**/a', dataAction: 'x' }] }, /'\*\*' is allowed only as the last segment/],
      [{ rules: [{ method: 'GET /a', path: '/a', dataAction: 'x' }] }, /needs "method"/],
      [{ rules: [{ method: 'GET', path: 'a', dataAction: 'x' }] }, /starting with \//],
      [{ rule: [] }, /gate config must be/],
      [null, /gate config must be/],
    ];
    for (const [config, message] of bad) assert.throws(() => parseGateConfig(config), message, JSON.stringify(config));
  });
});
