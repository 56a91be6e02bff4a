/**
 * Unmodified @azure/data-tables TableClient.submitTransaction with ManagedIdentityCredential and
 * default options, run under `openmi run`. argv: JSON {url, table, only?}. Prints each step's result
 * (or error code, status and message prefix) as JSON. `only: 'write'` tries one transaction (what a
 * reader is refused). The mixed-partition batch is sent raw through the client's own pipeline, as
 * the SDK refuses to build one.
 */
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { ManagedIdentityCredential } from '@azure/identity';

const a = JSON.parse(process.argv[2]!) as { url: string; table: string; only?: 'write' };
const t = new TableClient(a.url, a.table, new ManagedIdentityCredential());
const out: Record<string, unknown> = {};
const failure = (e: unknown) => {
  const { code, statusCode, message } = e as { code?: string; statusCode?: number; message?: string };
  return { error: code, status: statusCode, index: /^(\d+):/.exec(message ?? '')?.[1] };
};
async function step(name: string, f: () => Promise<unknown>): Promise<void> {
  try {
    out[name] = (await f()) ?? 'ok';
  } catch (e) {
    out[name] = failure(e);
  }
}
const rows = async () => {
  const found: string[] = [];
  for await (const e of t.listEntities<Record<string, unknown>>())
    found.push(`${e.rowKey}=${String(e['v'])}${e['w'] === undefined ? '' : `+${String(e['w'])}`}`);
  return found;
};
const submit = async (actions: TransactionAction[]) => {
  const r = await t.submitTransaction(actions);
  return { status: r.status, sub: r.subResponses.map((s) => `${s.status}${s.etag ? ' etag' : ''}`) };
};

/** A change set as the SDK writes it, with keys of our choosing. */
async function raw(keys: [string, string][]): Promise<unknown> {
  const [b, c] = ['batch_b1', 'changeset_c1'];
  const base = a.url.endsWith('/') ? a.url : `${a.url}/`;
  const ops = keys.map(([pk, rk]) =>
    [
      `--${c}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      `POST ${base}${a.table} HTTP/1.1`,
      'Content-Type: application/json',
      'Prefer: return-no-content',
      '',
      JSON.stringify({ PartitionKey: pk, RowKey: rk, v: 1 }),
    ].join('\r\n'),
  );
  const body = [`--${b}`, `Content-Type: multipart/mixed; boundary=${c}`, '', ...ops, `--${c}--`, `--${b}--`, ''];
  const request = createPipelineRequest({
    url: `${base}$batch`,
    method: 'POST',
    body: body.join('\r\n'),
    headers: createHttpHeaders({ 'Content-Type': `multipart/mixed; boundary=${b}`, 'x-ms-version': '2019-02-02' }),
  });
  const res = await t.pipeline.sendRequest(createDefaultHttpClient(), request);
  const text = res.bodyAsText ?? '';
  return { status: res.status, inner: /HTTP\/1\.1 (\d+)/.exec(text)?.[1], code: /"code":"(\w+)"/.exec(text)?.[1] };
}

if (a.only === 'write') {
  await step('write', () => submit([['create', { partitionKey: 'p', rowKey: 'x', v: 1 }]]));
} else {
  await step('create', () => t.createTable().then(() => 'ok'));
  await step('batch', () =>
    submit([
      ['create', { partitionKey: 'p', rowKey: 'r1', v: 1 }],
      ['create', { partitionKey: 'p', rowKey: 'r2', v: 2 }],
      ['upsert', { partitionKey: 'p', rowKey: 'r3', v: 3 }, 'Replace'],
      ['upsert', { partitionKey: 'p', rowKey: 'r4', v: 4 }, 'Merge'],
    ]),
  );
  await step('afterBatch', rows);
  // The third operation fails (r4 exists): the merge and the delete before it must not stay.
  await step('rollback', () =>
    submit([
      ['update', { partitionKey: 'p', rowKey: 'r1', w: 'merged' }, 'Merge'],
      ['delete', { partitionKey: 'p', rowKey: 'r2' }],
      ['create', { partitionKey: 'p', rowKey: 'r4', v: 9 }],
    ]),
  );
  await step('afterRollback', rows);
  await step('stale', async () => {
    const e = await t.getEntity('p', 'r3');
    await t.updateEntity({ partitionKey: 'p', rowKey: 'r3', v: 33 }, 'Replace', { etag: e.etag });
    return submit([
      ['update', { partitionKey: 'p', rowKey: 'r4', v: 44 }, 'Replace'],
      ['update', { partitionKey: 'p', rowKey: 'r3', v: 0 }, 'Replace', { etag: e.etag }],
    ]);
  });
  await step('changes', async () => {
    const e = await t.getEntity('p', 'r3');
    return submit([
      ['update', { partitionKey: 'p', rowKey: 'r3', w: 'm' }, 'Merge', { etag: e.etag }],
      ['update', { partitionKey: 'p', rowKey: 'r4', v: 40 }, 'Replace'],
      ['delete', { partitionKey: 'p', rowKey: 'r2' }],
    ]);
  });
  await step('afterChanges', rows);
  await step('duplicate', () =>
    submit([
      ['create', { partitionKey: 'p', rowKey: 'r5', v: 5 }],
      ['delete', { partitionKey: 'p', rowKey: 'r5' }],
    ]),
  );
  await step('tooMany', () =>
    submit(
      Array.from({ length: 101 }, (_, i): TransactionAction => ['create', { partitionKey: 'q', rowKey: `k${i}` }]),
    ),
  );
  await step('partitions', () =>
    raw([
      ['p', 'r7'],
      ['other', 'r8'],
    ]),
  );
  await step('afterAll', rows);
}
process.stdout.write(JSON.stringify(out));
