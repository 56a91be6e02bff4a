import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';

/** Every date-time form of the parser's table, on the wire, in the activity log's $filter and the sign-in log's from/to. */
describe('date-times in log filters, as real clients send them', () => {
  let t: TestServer;
  let since: Date;
  const log = (filter: string) =>
    t.arm(
      'GET',
      `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${encodeURIComponent(filter)}`,
    );
  before(async () => {
    t = await startTestServer();
    since = new Date(Date.now() - 60_000);
    await t.arm('PUT', `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-filter?api-version=2025-04-01`, {
      location: 'westeurope',
    });
  });
  after(() => t.stop());

  const iso = () => since.toISOString();
  const python = () => `${iso().slice(0, 23)}878`; // isoformat(): six digits, no offset
  const forms = () => [
    `eventTimestamp ge ${python()}`,
    `eventTimestamp ge '${python()}'`,
    `eventTimestamp ge '${iso()}'`,
    `eventTimestamp ge ${iso().replace('Z', '0000Z')}`,
    `eventTimestamp ge ${iso().replace('Z', '+00:00')}`,
    `eventTimestamp ge datetime'${iso()}'`,
    `eventTimestamp ge '${iso().replace('T', ' ').replace('Z', '')}'`,
  ];

  it('az, the SDKs and OData forms all select the group write', async () => {
    for (const f of forms()) {
      const r = await log(
        `${f} and eventTimestamp le ${new Date(Date.now() + 60_000).toISOString().slice(0, 19)} and resourceGroupName eq 'rg-filter'`,
      );
      assert.equal(r.status, 200, `${f}: ${r.text}`);
      assert.ok(
        r.json.value.some(
          (e: any) => e.operationName.value === 'Microsoft.Resources/subscriptions/resourceGroups/write',
        ),
        f,
      );
    }
  });

  it('the bounds are applied: a window in the past selects nothing', async () => {
    const r = await log(
      `eventTimestamp ge 2020-01-01T00:00:00 and eventTimestamp le ${python().slice(0, 10)}T00:00:00.0000001`,
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.value.length, 0);
  });

  it('a value that is not a date-time, or an unquoted string value, is a 400 saying what to send', async () => {
    const bad = await log('eventTimestamp ge yesterday');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'InvalidParameter');
    assert.match(bad.json.error.message, /ISO 8601/);
    const unquoted = await log(`eventTimestamp ge ${python()} and resourceGroupName eq rg-filter`);
    assert.equal(unquoted.status, 400);
    assert.match(unquoted.json.error.message, /must be quoted: resourceGroupName eq 'rg-filter'/);
  });

  it("the sign-in log's from/to take the same forms", async () => {
    for (const from of [python(), iso(), `datetime'${iso()}'`, iso().replace('Z', '+00:00')]) {
      const r = await t.arm(
        'GET',
        `/providers/OpenMI.Audit/signIns?api-version=2025-01-01&from=${encodeURIComponent(from)}&to=${encodeURIComponent(python().slice(0, 19))}`,
      );
      assert.equal(r.status, 200, `${from}: ${r.text}`);
    }
    const bad = await t.arm('GET', '/providers/OpenMI.Audit/signIns?api-version=2025-01-01&from=soon');
    assert.equal(bad.status, 400);
  });
});
