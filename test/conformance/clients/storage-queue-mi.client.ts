/**
 * Unmodified @azure/storage-queue QueueServiceClient with ManagedIdentityCredential and default
 * options, run under `openmi run`. argv: JSON {url, queue, only?, account?, key?}. Prints each step's result (or
 * error code and status) and the scopes the SDK asked the credential for, as JSON. `only` runs just
 * the listing (the call after a role removal) or the creation.
 */
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { ManagedIdentityCredential } from '@azure/identity';
import { QueueServiceClient, StorageSharedKeyCredential } from '@azure/storage-queue';

const a = JSON.parse(process.argv[2]!) as {
  url: string;
  queue: string;
  only?: 'list' | 'create';
  account?: string;
  key?: string;
};
const mi = new ManagedIdentityCredential();
const scopes: string[] = [];
/** Only records what the SDK asks for; the token itself comes from ManagedIdentityCredential. */
const recording: TokenCredential = {
  async getToken(s: string | string[], o?: GetTokenOptions) {
    scopes.push(...[s].flat());
    return mi.getToken(s, o);
  },
};
const out: Record<string, unknown> = {};
async function step(name: string, f: () => Promise<unknown>): Promise<void> {
  try {
    out[name] = (await f()) ?? 'ok';
  } catch (e) {
    out[name] = {
      error: (e as { code?: string }).code ?? (e as Error).message,
      status: (e as { statusCode?: number }).statusCode,
    };
  }
}
// With {account, key}: the account key (Shared Key) instead of the managed identity.
const svc = new QueueServiceClient(a.url, a.key ? new StorageSharedKeyCredential(a.account!, a.key) : recording);
const q = svc.getQueueClient(a.queue);
const list = async () => {
  const names: string[] = [];
  for await (const item of svc.listQueues({ prefix: a.queue.slice(0, 3), includeMetadata: true }))
    names.push(item.name);
  return names;
};
if (a.only === 'list') {
  await step('list', list);
} else if (a.only === 'create') {
  await step('create', () => q.create().then(() => 'ok'));
} else {
  await step('create', () => q.create({ metadata: { purpose: 'test' } }).then(() => 'ok'));
  await step('send', async () => {
    await q.sendMessage('first <&> message');
    const r = await q.sendMessage('second', { messageTimeToLive: -1 });
    return typeof r.messageId === 'string' && r.popReceipt.length > 0 ? 'ok' : r;
  });
  await step('peek', async () =>
    (await q.peekMessages({ numberOfMessages: 5 })).peekedMessageItems.map((m) => m.messageText),
  );
  await step('receive', async () => {
    const r = await q.receiveMessages({ numberOfMessages: 1 });
    const m = r.receivedMessageItems[0]!;
    // Hidden for the default 30 s: the next receive sees only the second message.
    const next = await q.receiveMessages({ numberOfMessages: 5 });
    const up = await q.updateMessage(m.messageId, m.popReceipt, 'first, updated', 0);
    const again = (await q.receiveMessages({ numberOfMessages: 5 })).receivedMessageItems;
    const staleDelete = await q.deleteMessage(m.messageId, m.popReceipt).then(
      () => 'deleted',
      (e: { code?: string }) => e.code,
    );
    for (const x of again) await q.deleteMessage(x.messageId, x.popReceipt);
    return {
      first: [m.messageText, m.dequeueCount],
      hidden: next.receivedMessageItems.map((x) => x.messageText),
      again: again.map((x) => [x.messageText, x.dequeueCount]),
      updatedReceipt: up.popReceipt !== m.popReceipt,
      staleDelete,
      left: (await q.getProperties()).approximateMessagesCount,
    };
  });
  await step('metadata', async () => (await q.getProperties()).metadata);
  await step('list', list);
  await step('clear', async () => {
    await q.sendMessage('to be cleared');
    await q.clearMessages();
    return (await q.peekMessages()).peekedMessageItems.length;
  });
  await step('delete', () => q.delete().then(() => 'ok'));
  await step('missing', () => q.getProperties().then(() => 'exists'));
}
out['scopes'] = [...new Set(scopes)];
process.stdout.write(JSON.stringify(out));
