/**
 * Unmodified @azure/data-tables TableClient/TableServiceClient with ManagedIdentityCredential and
 * default options, run under `openmi run`. argv: JSON {url, table, only?, account?, key?}. Prints each step's
 * result (or error code and status) and the scopes asked for, as JSON. `only: 'read'` runs just a
 * listing and a write attempt (the calls a reader makes).
 */
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { AzureNamedKeyCredential, odata, TableClient, TableServiceClient } from '@azure/data-tables';
import { ManagedIdentityCredential } from '@azure/identity';
import { codeOf, stepper } from './client-steps.js';

const a = JSON.parse(process.argv[2]!) as { url: string; table: string; only?: 'read'; account?: string; key?: string };
const mi = new ManagedIdentityCredential();
const scopes: string[] = [];
const recording: TokenCredential = {
  async getToken(s: string | string[], o?: GetTokenOptions) {
    scopes.push(...[s].flat());
    return mi.getToken(s, o);
  },
};
const out: Record<string, unknown> = {};
const step = stepper(out);
// With {account, key}: the account key (Shared Key Lite) instead of the managed identity.
const named = a.key ? new AzureNamedKeyCredential(a.account!, a.key) : undefined;
const svc = named ? new TableServiceClient(a.url, named) : new TableServiceClient(a.url, recording);
const t = named ? new TableClient(a.url, a.table, named) : new TableClient(a.url, a.table, recording);
const keys = async (filter?: string, select?: string[]) => {
  const rows: string[] = [];
  const queryOptions = { ...(filter ? { filter } : {}), ...(select ? { select } : {}) };
  for await (const e of t.listEntities<Record<string, unknown>>({ queryOptions })) {
    // $select returns only the named properties (no keys), as Azure does.
    const props = Object.keys(e).filter((k) => k !== 'etag');
    rows.push(select ? `${props.join(',')}=${String(e['name'])}` : `${e.partitionKey}/${e.rowKey}`);
  }
  return rows;
};
const when = new Date('2026-01-02T03:04:05.000Z');
if (a.only === 'read') {
  await step('list', () => keys());
  await step('insert', () => t.createEntity({ partitionKey: 'p9', rowKey: 'r9' }).then(() => 'ok'));
} else {
  await step('create', () => t.createTable().then(() => 'ok'));
  await step('insert', async () => {
    const big = { value: '9007199254740993', type: 'Int64' as const };
    await t.createEntity({ partitionKey: 'p1', rowKey: 'r1', name: "o'neil", n: 5, big, when, ok: true, ratio: 1.5 });
    await t.createEntity({ partitionKey: 'p1', rowKey: 'r2', name: 'beta', n: 10 });
    await t.createEntity({ partitionKey: 'p2', rowKey: 'r1', name: 'gamma', n: 7 });
    return t.createEntity({ partitionKey: 'p1', rowKey: 'r1' }).then(() => 'duplicate accepted', codeOf);
  });
  await step('get', async () => {
    const e = await t.getEntity<Record<string, unknown>>('p1', 'r1');
    return [e['name'], e['n'], String(e['big']), (e['when'] as Date).toISOString(), e['ok'], e['ratio'], typeof e.etag];
  });
  await step('filters', async () => ({
    pkAndGt: await keys(odata`PartitionKey eq ${'p1'} and n gt ${6}`),
    quote: await keys(odata`name eq ${"o'neil"}`),
    orNot: await keys("not (n lt 7) or RowKey eq 'r2'"),
    date: await keys(odata`when ge ${when}`),
    int64: await keys('big eq 9007199254740993L'),
    select: await keys(undefined, ['name']),
  }));
  await step('pages', async () => {
    const sizes: number[] = [];
    for await (const page of t.listEntities().byPage({ maxPageSize: 2 })) sizes.push(page.length);
    return sizes;
  });
  await step('etag', async () => {
    const e = await t.getEntity('p1', 'r2');
    await t.updateEntity({ partitionKey: 'p1', rowKey: 'r2', extra: 'x' }, 'Merge', { etag: e.etag });
    const stale = await t.updateEntity({ partitionKey: 'p1', rowKey: 'r2', n: 0 }, 'Replace', { etag: e.etag }).then(
      () => 'stale accepted',
      (err: { statusCode?: number }) => `${err.statusCode} ${codeOf(err)}`,
    );
    await t.upsertEntity({ partitionKey: 'p3', rowKey: 'r1', name: 'upserted' }, 'Replace');
    const merged = await t.getEntity<Record<string, unknown>>('p1', 'r2');
    await t.deleteEntity('p3', 'r1');
    return { stale, merged: [merged['name'], merged['n'], merged['extra']], after: await keys() };
  });
  await step('tables', async () => {
    const names: string[] = [];
    for await (const x of svc.listTables({ queryOptions: { filter: odata`TableName eq ${a.table}` } }))
      names.push(x.name!);
    return names;
  });
}
out['scopes'] = [...new Set(scopes)];
process.stdout.write(JSON.stringify(out));
