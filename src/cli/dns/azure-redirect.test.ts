import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { azureHostKind } from '../../wire/azure-hosts.js';
import { azureLookup, parseAzureTarget, redirectedOptions, UNSERVED_CODE } from './lookup.js';

const PRELOAD = fileURLToPath(new URL('./preload.js', import.meta.url));

describe("Azure's host names under openmi run", () => {
  it('tells served names, other Azure names and everything else apart', () => {
    for (const h of [
      'management.azure.com',
      'LOGIN.microsoftonline.com.',
      'kv1.vault.azure.net',
      'acct.blob.core.windows.net',
      'acct.dfs.core.windows.net',
    ])
      assert.equal(azureHostKind(h), 'served', h);
    for (const h of [
      'ns.servicebus.windows.net',
      'a.b.dfs.core.windows.net',
      'a.b.vault.azure.net',
      'vault.azure.net',
      'login.windows.net',
    ])
      assert.equal(azureHostKind(h), 'unserved', h);
    for (const h of ['example.com', 'notazure.com', 'registry.npmjs.org', 'learn.microsoft.com'])
      assert.equal(azureHostKind(h), undefined, h);
  });

  it('parses the target, IPv6 included, and refuses malformed ones', () => {
    assert.deepEqual(parseAzureTarget('127.0.0.1:8443'), { host: '127.0.0.1', port: 8443 });
    assert.deepEqual(parseAzureTarget('[::1]:8443'), { host: '::1', port: 8443 });
    for (const bad of [undefined, '', '127.0.0.1', 'h:0', 'h:70000']) assert.equal(parseAzureTarget(bad), undefined);
  });

  it('redirects served names on 443 only, keeping the other options', () => {
    const target = { host: '127.0.0.1', port: 9 };
    const o = { host: 'management.azure.com', port: 443, path: null, servername: 'management.azure.com' };
    assert.deepEqual(redirectedOptions(o, target), { ...o, host: '127.0.0.1', port: 9 });
    assert.equal(o.host, 'management.azure.com', 'the caller keeps its options (TLS checks the Azure name)');
    assert.equal(redirectedOptions({ host: 'management.azure.com', port: 80 }, target), undefined);
    assert.equal(redirectedOptions({ host: 'example.com', port: 443 }, target), undefined);
    assert.equal(redirectedOptions({ host: 'kv1.vault.azure.net', path: '/tmp/s' }, target), undefined);
  });

  it('stops other Azure names with a clear error and sends served ones to the server host', async () => {
    const seen: string[] = [];
    const lookup = azureLookup((h: string) => void seen.push(h), { host: '10.9.8.7', port: 1 });
    lookup('kv1.vault.azure.net', {}, () => undefined);
    lookup('example.com', () => undefined);
    const err = await new Promise<NodeJS.ErrnoException>((r) => lookup('x.servicebus.windows.net', {}, r));
    assert.deepEqual(seen, ['10.9.8.7', 'example.com']);
    assert.equal(err.code, UNSERVED_CODE);
    assert.match(err.message, /'x\.servicebus\.windows\.net' is an Azure service openmi does not serve/);
  });

  it('the preload sends https://management.azure.com to the target port in a Node child', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    let accepted = 0;
    server.on('connection', () => accepted++);
    const script = "fetch('https://management.azure.com/').catch((e) => process.stdout.write(String(e.cause?.code)))";
    const env = {
      PATH: process.env['PATH'] ?? '',
      NODE_OPTIONS: `--import=${new URL(`file://${PRELOAD}`).href}`,
      OPENMI_AZURE_TARGET: `127.0.0.1:${port}`,
    };
    const out = await new Promise<string>((r) => execFile(process.execPath, ['-e', script], { env }, (_e, o) => r(o)));
    server.close();
    assert.equal(accepted, 1, 'the connection reached the target, not Azure');
    assert.notEqual(out, 'ENOTFOUND');
  });
});
