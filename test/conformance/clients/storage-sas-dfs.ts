/** The Data Lake half of storage-sas.client.ts: SAS from @azure/storage-file-datalake's generateSasUrl. */
import {
  AccountSASPermissions,
  DataLakeDirectoryClient,
  DataLakeFileClient,
  DataLakeFileSystemClient,
  DataLakeSASPermissions,
  DataLakeServiceClient,
  DirectorySASPermissions,
  FileSystemSASPermissions,
  StorageSharedKeyCredential,
} from '@azure/storage-file-datalake';
import type { Step } from './client-steps.js';

async function write(file: DataLakeFileClient, text: string): Promise<string> {
  await file.create();
  await file.append(text, 0, Buffer.byteLength(text));
  await file.flush(Buffer.byteLength(text));
  return 'ok';
}
const read = async (file: DataLakeFileClient): Promise<string> => (await file.readToBuffer()).toString('utf8');

export async function dfsSteps(
  a: { url: string; account: string; key: string },
  step: Step,
  tamper: (s: string) => string,
  hour: () => Date,
): Promise<void> {
  const admin = new DataLakeServiceClient(a.url, new StorageSharedKeyCredential(a.account, a.key));
  const fs = admin.getFileSystemClient('sasfs');
  await fs.create();
  await fs.getDirectoryClient('dir').create();
  await write(fs.getFileClient('dir/a.txt'), 'alpha');
  await fs.getDirectoryClient('elsewhere').create();

  const listRead = new DataLakeFileSystemClient(
    await fs.generateSasUrl({ permissions: FileSystemSASPermissions.parse('rl'), expiresOn: hour() }),
  );
  await step('fsList', async () => {
    const names: string[] = [];
    for await (const p of listRead.listPaths({ recursive: true })) names.push(p.name!);
    return names.sort();
  });
  await step('fsRead', () => read(listRead.getFileClient('dir/a.txt')));
  await step('fsWrite', () => write(listRead.getFileClient('dir/b.txt'), 'beta'));

  const dirSas = await fs
    .getDirectoryClient('dir')
    .generateSasUrl({ permissions: DirectorySASPermissions.parse('racwdl'), expiresOn: hour() });
  const dir = new DataLakeDirectoryClient(dirSas);
  await step('dirWrite', () => write(dir.getFileClient('c.txt'), 'gamma'));
  await step('dirRead', () => read(dir.getFileClient('c.txt')));
  const outside = dirSas.replace('/sasfs/dir?', '/sasfs/elsewhere/d.txt?');
  await step('dirOutside', () => write(new DataLakeFileClient(outside), 'delta'));

  const fileSas = await fs
    .getFileClient('dir/a.txt')
    .generateSasUrl({ permissions: DataLakeSASPermissions.parse('r'), expiresOn: hour() });
  await step('fileRead', () => read(new DataLakeFileClient(fileSas)));
  await step('fileDelete', () => new DataLakeFileClient(fileSas).delete().then(() => 'ok'));
  await step('fileTampered', () => new DataLakeFileClient(tamper(fileSas)).delete().then(() => 'ok'));
  const expired = await fs.getFileClient('dir/a.txt').generateSasUrl({
    permissions: DataLakeSASPermissions.parse('rd'),
    startsOn: new Date(Date.now() - 120_000),
    expiresOn: new Date(Date.now() - 60_000),
  });
  await step('fileExpired', () => new DataLakeFileClient(expired).delete().then(() => 'ok'));

  const acct = new DataLakeServiceClient(
    admin.generateAccountSasUrl(hour(), AccountSASPermissions.parse('rwdlac'), 'sco'),
  );
  await step('acctCreateFs', () =>
    acct
      .getFileSystemClient('acctfs')
      .create()
      .then(() => 'ok'),
  );
  await step('acctWrite', () => write(acct.getFileSystemClient('acctfs').getFileClient('x.txt'), 'x'));
  const ro = new DataLakeServiceClient(admin.generateAccountSasUrl(hour(), AccountSASPermissions.parse('rl'), 'sco'));
  await step('acctReadOnlyWrite', () => write(ro.getFileSystemClient('acctfs').getFileClient('y.txt'), 'y'));
}
