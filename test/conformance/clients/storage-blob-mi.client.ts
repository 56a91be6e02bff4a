/**
 * Unmodified @azure/storage-blob BlobServiceClient with ManagedIdentityCredential, run under
 * `openmi run`. argv: JSON {url, container}. Prints each step's result (or error code and status),
 * the scopes the SDK asked the credential for, and the storage token it was given, as JSON.
 */
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { ManagedIdentityCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';

const a = JSON.parse(process.argv[2]!) as { url: string; container: string };
const mi = new ManagedIdentityCredential();
const scopes: string[] = [];
let token = '';
/** Only records what the SDK asks for; the token itself comes from ManagedIdentityCredential. */
const recording: TokenCredential = {
  async getToken(s: string | string[], o?: GetTokenOptions) {
    scopes.push(...[s].flat());
    const t = await mi.getToken(s, o);
    token = t?.token ?? '';
    return t;
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
const c = new BlobServiceClient(a.url, recording).getContainerClient(a.container);
const b = c.getBlockBlobClient('dir/hello.txt');
await step('create', () => c.create().then(() => 'ok'));
await step('upload', () => b.upload('hello blob world', 16).then(() => 'ok'));
await step('download', async () => (await b.downloadToBuffer()).toString('utf8'));
await step('range', async () => {
  const r = await b.download(6, 4);
  const chunks: Buffer[] = [];
  for await (const x of r.readableStreamBody!) chunks.push(Buffer.from(x as Buffer));
  return { status: r._response.status, body: Buffer.concat(chunks).toString('utf8') };
});
out['scopes'] = [...new Set(scopes)];
out['token'] = token;
process.stdout.write(JSON.stringify(out));
