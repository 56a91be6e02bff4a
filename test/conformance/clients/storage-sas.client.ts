/**
 * SAS made by the official SDKs themselves (with the account key), then used by an unmodified
 * client holding only the SAS. argv: JSON {service: 'queue'|'table'|'dfs', url, account, key}.
 * Prints each step's result (or error code and status) as JSON.
 */
import {
  AccountSASPermissions,
  QueueClient,
  QueueSASPermissions,
  QueueServiceClient,
  StorageSharedKeyCredential,
  generateAccountSASQueryParameters,
  generateQueueSASQueryParameters,
} from '@azure/storage-queue';
import {
  AzureNamedKeyCredential,
  AzureSASCredential,
  TableClient,
  TableServiceClient,
  generateAccountSas,
  generateTableSas,
} from '@azure/data-tables';
import { dfsSteps } from './storage-sas-dfs.js';
import { stepper } from './client-steps.js';

const a = JSON.parse(process.argv[2]!) as {
  service: 'queue' | 'table' | 'dfs';
  url: string;
  account: string;
  key: string;
};
const out: Record<string, unknown> = {};
const step = stepper(out);
const hour = (): Date => new Date(Date.now() + 3600_000);
/** Changes a granted permission string inside the token, keeping the signature: a forged SAS. */
const tamper = (sas: string): string => sas.replace(/sp=([a-z]+)/, 'sp=$1d');

async function queueSteps(): Promise<void> {
  const cred = new StorageSharedKeyCredential(a.account, a.key);
  const admin = new QueueServiceClient(a.url, cred);
  const q = admin.getQueueClient('sasq');
  await q.create();
  await q.sendMessage('from the key');
  const sendAndProcess = q.generateSasUrl({ permissions: QueueSASPermissions.parse('ap'), expiresOn: hour() });
  const sp = new QueueClient(sendAndProcess);
  await step('svcSend', () => sp.sendMessage('from a SAS').then(() => 'ok'));
  await step('svcReceive', async () => {
    const r = await sp.receiveMessages({ numberOfMessages: 1 });
    await sp.deleteMessage(r.receivedMessageItems[0]!.messageId, r.receivedMessageItems[0]!.popReceipt);
    return r.receivedMessageItems[0]!.messageText;
  });
  await step('svcPeek', () => sp.peekMessages().then(() => 'ok'));
  await step('svcCreate', () => new QueueClient(sendAndProcess.replace('/sasq?', '/other?')).create().then(() => 'ok'));
  const other = `${a.url.replace(/\/$/, '')}/sasq2?${sendAndProcess.split('?')[1]}`;
  await step('svcOtherQueue', () => new QueueClient(other).sendMessage('x').then(() => 'ok'));
  const past = new Date(Date.now() - 60_000);
  const expired = generateQueueSASQueryParameters(
    {
      queueName: 'sasq',
      permissions: QueueSASPermissions.parse('rap'),
      startsOn: new Date(Date.now() - 120_000),
      expiresOn: past,
    },
    cred,
  ).toString();
  await step('svcExpired', () => new QueueClient(`${a.url}sasq?${expired}`).sendMessage('x').then(() => 'ok'));
  await step('svcTampered', () => new QueueClient(tamper(sendAndProcess)).peekMessages().then(() => 'ok'));
  const acct = admin.generateAccountSasUrl(hour(), AccountSASPermissions.parse('rwdlacup'), 'sco');
  const full = new QueueServiceClient(acct);
  await step('acctCreate', () =>
    full
      .getQueueClient('acctq')
      .create()
      .then(() => 'ok'),
  );
  await step('acctList', async () => {
    const names: string[] = [];
    for await (const item of full.listQueues()) names.push(item.name);
    return names.sort();
  });
  await step('acctPeek', async () => (await full.getQueueClient('sasq').peekMessages()).peekedMessageItems.length);
  await step('acctDelete', () =>
    full
      .getQueueClient('acctq')
      .delete()
      .then(() => 'ok'),
  );
  const ro = new QueueServiceClient(admin.generateAccountSasUrl(hour(), AccountSASPermissions.parse('rl'), 'sco'));
  await step('acctReadOnlyCreate', () =>
    ro
      .getQueueClient('roq')
      .create()
      .then(() => 'ok'),
  );
  const blobOnly = generateAccountSASQueryParameters(
    { expiresOn: hour(), permissions: AccountSASPermissions.parse('rwdlacup'), resourceTypes: 'sco', services: 'b' },
    cred,
  ).toString();
  await step('acctBlobOnly', () =>
    new QueueServiceClient(`${a.url}?${blobOnly}`)
      .getQueueClient('bq')
      .create()
      .then(() => 'ok'),
  );
}

async function tableSteps(): Promise<void> {
  const cred = new AzureNamedKeyCredential(a.account, a.key);
  await new TableServiceClient(a.url, cred).createTable('SasT');
  const withSas = (sas: string) => new TableClient(a.url, 'SasT', new AzureSASCredential(sas));
  const aq = withSas(generateTableSas('SasT', cred, { permissions: { add: true, query: true }, expiresOn: hour() }));
  await step('svcInsert', () => aq.createEntity({ partitionKey: 'p1', rowKey: 'r1', v: 1 }).then(() => 'ok'));
  await step('svcInsert2', () => aq.createEntity({ partitionKey: 'p2', rowKey: 'r1', v: 2 }).then(() => 'ok'));
  await step('svcGet', async () => (await aq.getEntity<{ v: number }>('p1', 'r1')).v);
  await step('svcDelete', () => aq.deleteEntity('p1', 'r1').then(() => 'ok'));
  await step('svcUpdate', () => aq.updateEntity({ partitionKey: 'p1', rowKey: 'r1', v: 3 }).then(() => 'ok'));
  await step('svcCreateTable', () => aq.createTable().then(() => 'ok'));
  const p1 = withSas(
    generateTableSas('SasT', cred, {
      permissions: { add: true, query: true, delete: true },
      expiresOn: hour(),
      startPartitionKey: 'p1',
      endPartitionKey: 'p1',
    }),
  );
  await step('rangeList', async () => {
    const keys: string[] = [];
    for await (const e of p1.listEntities()) keys.push(`${e.partitionKey}/${e.rowKey}`);
    return keys;
  });
  await step('rangeInsertInside', () => p1.createEntity({ partitionKey: 'p1', rowKey: 'r2' }).then(() => 'ok'));
  await step('rangeInsertOutside', () => p1.createEntity({ partitionKey: 'p3', rowKey: 'r1' }).then(() => 'ok'));
  await step('rangeDeleteOutside', () => p1.deleteEntity('p2', 'r1').then(() => 'ok'));
  const past = generateTableSas('SasT', cred, {
    permissions: { query: true },
    startsOn: new Date(Date.now() - 120_000),
    expiresOn: new Date(Date.now() - 60_000),
  });
  await step('svcExpired', () =>
    withSas(past)
      .getEntity('p2', 'r1')
      .then(() => 'ok'),
  );
  const ro = generateTableSas('SasT', cred, { permissions: { query: true }, expiresOn: hour() });
  await step('svcTampered', () =>
    withSas(tamper(ro))
      .deleteEntity('p2', 'r1')
      .then(() => 'ok'),
  );
  const acct = generateAccountSas(cred, {
    expiresOn: hour(),
    permissions: { query: true, add: true, update: true, delete: true, list: true, write: true },
    resourceTypes: 'sco',
  });
  const svc = new TableServiceClient(a.url, new AzureSASCredential(acct));
  await step('acctCreateTable', () => svc.createTable('AcctT').then(() => 'ok'));
  await step('acctList', async () => {
    const names: string[] = [];
    for await (const t of svc.listTables()) names.push(t.name!);
    return names.sort();
  });
  await step('acctDeleteTable', () => svc.deleteTable('AcctT').then(() => 'ok'));
  const rl = new TableServiceClient(a.url, new AzureSASCredential(generateAccountSas(cred, { expiresOn: hour() })));
  await step('acctReadOnlyCreate', () => rl.createTable('RoT').then(() => 'ok'));
}

if (a.service === 'queue') await queueSteps();
else if (a.service === 'table') await tableSteps();
else await dfsSteps(a, step, tamper, hour);
process.stdout.write(JSON.stringify(out));
