/**
 * Unmodified @azure/storage-file-datalake clients, run under `openmi run` with
 * ManagedIdentityCredential (or, for `acl-setup`, with the account key and the dns preload).
 * argv: JSON {script, url, fs, oid?, account?, key?}. Prints each step's result (or error code and
 * status) as JSON.
 */
import { ManagedIdentityCredential } from '@azure/identity';
import {
  DataLakeServiceClient,
  StorageSharedKeyCredential,
  type DataLakeFileClient,
} from '@azure/storage-file-datalake';

const a = JSON.parse(process.argv[2]!) as {
  script: 'round' | 'acl-setup' | 'acl-probe' | 'list';
  url: string;
  fs: string;
  oid?: string;
  account?: string;
  key?: string;
};
const credential = a.key ? new StorageSharedKeyCredential(a.account!, a.key) : new ManagedIdentityCredential();
const fs = new DataLakeServiceClient(a.url, credential).getFileSystemClient(a.fs);
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
const ok = () => 'ok';
async function write(file: DataLakeFileClient, parts: string[]): Promise<string> {
  await file.create();
  let at = 0;
  for (const p of parts) {
    await file.append(p, at, Buffer.byteLength(p));
    at += Buffer.byteLength(p);
  }
  await file.flush(at, { close: true });
  return 'ok';
}
async function read(file: DataLakeFileClient, offset?: number, count?: number): Promise<string> {
  const r = await file.read(offset, count);
  const chunks: Buffer[] = [];
  for await (const x of r.readableStreamBody!) chunks.push(Buffer.from(x as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
async function list(): Promise<string[]> {
  const names: string[] = [];
  for await (const p of fs.listPaths({ recursive: true })) names.push(`${p.name}${p.isDirectory ? '/' : ''}`);
  return names;
}

if (a.script === 'round') {
  await step('createFs', () => fs.create().then(ok));
  await step('mkdir', () => fs.getDirectoryClient('d1/sub').create().then(ok));
  await step('upload', () => write(fs.getFileClient('d1/a.txt'), ['hello ', 'data lake']));
  await step('whole', () => read(fs.getFileClient('d1/a.txt')));
  await step('range', () => read(fs.getFileClient('d1/a.txt'), 6, 4));
  await step('rename', () => fs.getDirectoryClient('d1').move('d2').then(ok));
  await step('intoItself', () => fs.getDirectoryClient('d2').move('d2/sub/inner').then(ok));
  await step('list', list);
  await step('acl', async () => {
    const r = await fs.getFileClient('d2/a.txt').getAccessControl();
    return { owner: r.owner, group: r.group, permissions: r.permissions?.owner };
  });
  await step('deleteNonRecursive', () => fs.getDirectoryClient('d2').delete(false).then(ok));
  await step('delete', () => fs.getDirectoryClient('d2').delete(true).then(ok));
  await step('listAfter', list);
} else if (a.script === 'acl-setup') {
  const grant = `user::rwx,group::r-x,other::---,user:${a.oid}:rwx,mask::rwx`;
  await step('createFs', () => fs.create().then(ok));
  await step('open', () => fs.getDirectoryClient('open').create().then(ok));
  await step('closed', () => write(fs.getFileClient('closed/secret.txt'), ['top secret']));
  await step('aclOpen', () => fs.getDirectoryClient('open').setAccessControl(acl(grant)).then(ok));
  await step('aclRoot', () =>
    fs.getDirectoryClient('').setAccessControl(acl(`user::rwx,group::r-x,other::--x`)).then(ok),
  );
  await step('rootAcl', async () => (await fs.getDirectoryClient('').getAccessControl()).permissions?.other);
} else if (a.script === 'list') {
  await step('list', list);
} else {
  await step('readClosed', () => read(fs.getFileClient('closed/secret.txt')));
  await step('writeOpen', () => write(fs.getFileClient('open/mine.txt'), ['via acl']));
  await step('readOpen', () => read(fs.getFileClient('open/mine.txt')));
  await step('writeClosed', () => write(fs.getFileClient('closed/other.txt'), ['no']));
  await step('deleteClosed', () => fs.getFileClient('closed/secret.txt').delete().then(ok));
}
process.stdout.write(JSON.stringify(out));

function acl(text: string) {
  return text.split(',').map((e) => {
    const [type, id, p] = e.split(':') as [string, string, string];
    return {
      accessControlType: type as 'user' | 'group' | 'mask' | 'other',
      entityId: id,
      defaultScope: false,
      permissions: { read: p[0] === 'r', write: p[1] === 'w', execute: p[2] === 'x' },
    };
  });
}
