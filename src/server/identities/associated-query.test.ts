import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../kernel/errors.js';
import { parseFilter, parseOrderBy, queryAssociated, type AssociatedResourceRow } from './associated-query.js';

const SUB = '00000000-0000-0000-0000-000000000001';

function row(
  name: string,
  type: string,
  resourceGroup: string,
  subscriptionDisplayName = 'openmi default',
): AssociatedResourceRow {
  return {
    id: `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/${type}/${name}`,
    name,
    type,
    resourceGroup,
    subscriptionId: SUB,
    subscriptionDisplayName,
  };
}

const VM = 'Microsoft.Compute/virtualMachines';
const SITE = 'Microsoft.Web/sites';
const ROWS = [
  row('vm-b', VM, 'rg-one'),
  row('Vm-A', VM, 'rg-two'),
  row('site-1', SITE, 'rg-one'),
  row("o'brien", SITE, 'RG-Two'),
  row('aci', 'Microsoft.ContainerInstance/containerGroups', 'rg-three', 'Other Sub'),
];

const names = (filter?: string, orderby?: string) =>
  queryAssociated(ROWS, { ...(filter ? { filter } : {}), ...(orderby ? { orderby } : {}) }).value.map((r) => r.name);

/** Asserts that `fn` throws the InvalidX DomainError and returns its message for further checks. */
function domainError(fn: () => unknown, code: string, target: string): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DomainError, `expected DomainError, got ${String(e)}`);
    assert.equal(e.kind, 'invalid');
    assert.equal(e.code, code);
    assert.equal(e.target, target);
    return e.message;
  }
  assert.fail(`expected ${code}`);
}

describe('parseFilter', () => {
  it('parses eq and contains', () => {
    assert.deepEqual(parseFilter("name eq 'x'"), { kind: 'eq', field: 'name', value: 'x' });
    assert.deepEqual(parseFilter("contains(type, 'Compute')"), { kind: 'contains', field: 'type', value: 'Compute' });
  });

  it('binds and tighter than or: a or b and c is a or (b and c)', () => {
    assert.deepEqual(parseFilter("name eq 'a' or name eq 'b' and type eq 'c'"), {
      kind: 'or',
      left: { kind: 'eq', field: 'name', value: 'a' },
      right: {
        kind: 'and',
        left: { kind: 'eq', field: 'name', value: 'b' },
        right: { kind: 'eq', field: 'type', value: 'c' },
      },
    });
  });

  it('honours parentheses over precedence', () => {
    assert.deepEqual(parseFilter("(name eq 'a' or name eq 'b') and type eq 'c'"), {
      kind: 'and',
      left: {
        kind: 'or',
        left: { kind: 'eq', field: 'name', value: 'a' },
        right: { kind: 'eq', field: 'name', value: 'b' },
      },
      right: { kind: 'eq', field: 'type', value: 'c' },
    });
  });

  it("unescapes '' inside string literals", () => {
    assert.deepEqual(parseFilter("name eq 'o''brien'"), { kind: 'eq', field: 'name', value: "o'brien" });
    assert.deepEqual(parseFilter("name eq ''''"), { kind: 'eq', field: 'name', value: "'" });
    assert.deepEqual(parseFilter("name eq ''"), { kind: 'eq', field: 'name', value: '' });
  });

  it('accepts field names and keywords in any case and tolerates spacing', () => {
    assert.deepEqual(parseFilter("RESOURCEGROUP Eq 'x'"), { kind: 'eq', field: 'resourceGroup', value: 'x' });
    assert.deepEqual(parseFilter(" CONTAINS ( subscriptiondisplayname ,'y' ) "), {
      kind: 'contains',
      field: 'subscriptionDisplayName',
      value: 'y',
    });
    assert.equal(parseFilter("name eq 'a' OR name eq 'b'").kind, 'or');
  });

  it('rejects bad input with what was expected, where, and what was found', () => {
    const m = domainError(() => parseFilter("location eq 'x'"), 'InvalidFilter', '$filter');
    assert.equal(
      m,
      "$filter: expected a field name (name, type, resourceGroup, subscriptionId, subscriptionDisplayName) at position 0, found 'location'",
    );
    assert.match(
      domainError(() => parseFilter("name ne 'x'"), 'InvalidFilter', '$filter'),
      /expected 'eq' at position 5, found 'ne'/,
    );
    assert.match(
      domainError(() => parseFilter('name eq x'), 'InvalidFilter', '$filter'),
      /expected a string literal in single quotes at position 8, found 'x'/,
    );
    assert.match(
      domainError(() => parseFilter("name eq 'x"), 'InvalidFilter', '$filter'),
      /unterminated string literal starting at position 8/,
    );
    assert.match(
      domainError(() => parseFilter("(name eq 'x'"), 'InvalidFilter', '$filter'),
      /expected '\)' at position 12, found the end of the expression/,
    );
    assert.match(
      domainError(() => parseFilter("name eq 'x' name eq 'y'"), 'InvalidFilter', '$filter'),
      /expected 'and', 'or' or the end of the expression at position 12, found 'name'/,
    );
    assert.match(
      domainError(() => parseFilter("name eq 'x' and"), 'InvalidFilter', '$filter'),
      /expected a field name .* at position 15, found the end/,
    );
    assert.match(
      domainError(() => parseFilter("contains(name 'x')"), 'InvalidFilter', '$filter'),
      /expected ',' at position 14, found the string 'x'/,
    );
    assert.match(
      domainError(() => parseFilter("not name eq 'x'"), 'InvalidFilter', '$filter'),
      /found 'not'/,
    );
    assert.match(
      domainError(() => parseFilter(''), 'InvalidFilter', '$filter'),
      /at position 0, found the end/,
    );
  });
});

describe('parseOrderBy', () => {
  it('parses fields with optional directions', () => {
    assert.deepEqual(parseOrderBy('name'), [{ field: 'name', direction: 'asc' }]);
    assert.deepEqual(parseOrderBy('Type DESC, name asc ,resourcegroup'), [
      { field: 'type', direction: 'desc' },
      { field: 'name', direction: 'asc' },
      { field: 'resourceGroup', direction: 'asc' },
    ]);
  });

  it('rejects unknown fields, stray tokens and dangling commas', () => {
    assert.match(
      domainError(() => parseOrderBy('location'), 'InvalidOrderBy', '$orderby'),
      /^\$orderby: expected a field name .* at position 0, found 'location'/,
    );
    assert.match(
      domainError(() => parseOrderBy('name up'), 'InvalidOrderBy', '$orderby'),
      /expected 'asc', 'desc', ',' or the end of the expression at position 5, found 'up'/,
    );
    assert.match(
      domainError(() => parseOrderBy('name,'), 'InvalidOrderBy', '$orderby'),
      /at position 5, found the end/,
    );
  });
});

describe('queryAssociated', () => {
  it('orders by name then id, case-insensitively, by default', () => {
    assert.deepEqual(names(), ['aci', "o'brien", 'site-1', 'Vm-A', 'vm-b']);
  });

  it('compares eq and contains case-insensitively', () => {
    assert.deepEqual(names("type eq 'microsoft.compute/VIRTUALMACHINES'"), ['Vm-A', 'vm-b']);
    assert.deepEqual(names("resourceGroup eq 'rg-two'"), ["o'brien", 'Vm-A']);
    assert.deepEqual(names("contains(name, 'VM')"), ['Vm-A', 'vm-b']);
    assert.deepEqual(names("subscriptionDisplayName eq 'other sub'"), ['aci']);
    assert.deepEqual(names(`subscriptionId eq '${SUB}'`).length, 5);
  });

  it('applies precedence and parentheses when evaluating', () => {
    // name eq aci OR (rg-one AND site) → aci, site-1
    assert.deepEqual(names("name eq 'aci' or resourceGroup eq 'rg-one' and type eq 'Microsoft.Web/sites'"), [
      'aci',
      'site-1',
    ]);
    // (aci OR rg-one) AND site → site-1
    assert.deepEqual(names("(name eq 'aci' or resourceGroup eq 'rg-one') and type eq 'Microsoft.Web/sites'"), [
      'site-1',
    ]);
  });

  it('matches escaped quotes', () => {
    assert.deepEqual(names("name eq 'O''Brien'"), ["o'brien"]);
    assert.deepEqual(names("contains(name, '''')"), ["o'brien"]);
  });

  it('orders by explicit clauses with id as the final tiebreaker', () => {
    assert.deepEqual(names(undefined, 'type desc, name'), ["o'brien", 'site-1', 'aci', 'Vm-A', 'vm-b']);
    assert.deepEqual(names(undefined, 'resourceGroup'), ['vm-b', 'site-1', 'aci', 'Vm-A', "o'brien"]);
  });

  it('counts after filtering and before paging', () => {
    const p = queryAssociated(ROWS, { filter: "contains(name, 'v')", top: 1 });
    assert.equal(p.totalCount, 2);
    assert.equal(p.value.length, 1);
    assert.equal(p.nextSkip, 1);
  });

  it('pages across all rows exactly once, for every page size', () => {
    const many = Array.from({ length: 23 }, (_, i) => row(`r${String(i % 7)}`, i % 2 ? VM : SITE, `rg${i}`));
    for (const top of [1, 2, 5, 7, 22, 23, 50]) {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const p = queryAssociated(many, { top, ...(token !== undefined ? { skiptoken: token } : {}) });
        assert.equal(p.totalCount, 23);
        seen.push(...p.value.map((r) => r.id));
        token = p.nextSkip === undefined ? undefined : String(p.nextSkip);
        pages++;
      } while (token !== undefined);
      assert.equal(pages, Math.ceil(23 / top));
      assert.equal(new Set(seen).size, 23, `top=${top}`);
      assert.deepEqual(
        seen,
        queryAssociated(many, { top: 1000 }).value.map((r) => r.id),
      );
    }
  });

  it('defaults $top to 50 and omits nextSkip on the last page', () => {
    const many = Array.from({ length: 60 }, (_, i) => row(`n${String(i).padStart(2, '0')}`, VM, 'rg'));
    const first = queryAssociated(many);
    assert.equal(first.value.length, 50);
    assert.equal(first.nextSkip, 50);
    const last = queryAssociated(many, { skip: 50 });
    assert.equal(last.value.length, 10);
    assert.equal('nextSkip' in last, false);
    assert.deepEqual(queryAssociated(many, { skip: 100 }), { value: [], totalCount: 60 });
  });

  it('lets $skiptoken take precedence over $skip', () => {
    assert.deepEqual(
      queryAssociated(ROWS, { skip: 4, skiptoken: '1', top: 1 }).value.map((r) => r.name),
      ["o'brien"],
    );
  });

  it('rejects bad $top, $skip and $skiptoken', () => {
    for (const top of [0, -1, 1001, 1.5, Number.NaN])
      domainError(() => queryAssociated(ROWS, { top }), 'InvalidTop', '$top');
    for (const skip of [-1, 0.5]) domainError(() => queryAssociated(ROWS, { skip }), 'InvalidSkip', '$skip');
    for (const skiptoken of ['', 'abc', '-1', '1e3', ' 1'])
      domainError(() => queryAssociated(ROWS, { skiptoken }), 'InvalidSkipToken', '$skiptoken');
    domainError(() => queryAssociated([], { filter: 'name' }), 'InvalidFilter', '$filter');
    domainError(() => queryAssociated([], { orderby: 'bogus' }), 'InvalidOrderBy', '$orderby');
    assert.equal(queryAssociated(ROWS, { top: 1000 }).value.length, 5);
  });
});
