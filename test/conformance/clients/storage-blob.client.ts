/**
 * Unmodified @azure/storage-blob against openmi's blob plane. argv: JSON {url, account, key?, sas?, mode}.
 * Prints what each step returned (or its error code) as JSON.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';

const a = JSON.parse(process.argv[2]!) as {
  url: string;
  account: string;
  key?: string;
  sas?: string;
  container: string;
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
const svc = a.key
  ? new BlobServiceClient(a.url, new StorageSharedKeyCredential(a.account, a.key))
  : new BlobServiceClient(`${a.url}?${a.sas}`);
const c = svc.getContainerClient(a.container);
const b = c.getBlockBlobClient('dir/hello.txt');
await step('create', () => c.create().then(() => 'ok'));
await step('upload', () => b.upload('hello blob world', 16).then(() => 'ok'));
await step('download', async () => (await b.downloadToBuffer()).toString('utf8'));
await step('range', async () => (await b.downloadToBuffer(6, 4)).toString('utf8'));
await step('list', async () => {
  const names: string[] = [];
  for await (const x of c.listBlobsFlat()) names.push(x.name);
  return names;
});
await step('delete', () => b.delete().then(() => 'ok'));
process.stdout.write(JSON.stringify(out));
