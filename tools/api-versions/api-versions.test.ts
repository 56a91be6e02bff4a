import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publishedApiVersions } from '../../src/server/surfaces/arm/api-versions.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { PROBES, runProbe } from './js-sdk-source.js';
import { merge, type Found } from './merge.js';
import { DEBIAN_PYTHON, readAzProfileVersions, readPythonVersions } from './python-source.js';
import { TRACKED, trackedKeyOf } from './tracked.js';

const REGENERATE =
  'run `npm run api-versions:update` (see tools/api-versions/update.ts) and commit api-versions.generated.json';
const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as {
  devDependencies: Record<string, string>;
};

function assertListed(found: readonly Found[]): void {
  const missing = found
    .filter((f) => !publishedApiVersions(f.key).includes(f.version))
    .map((f) => `${f.source} sends ${f.version} for ${f.key}`);
  assert.deepEqual(missing, [], `not in api-versions.generated.json: ${REGENERATE}`);
}

describe('api-versions: the generated list covers the installed clients', () => {
  it('every installed @azure/arm-* client sends a default api-version that openmi accepts', async () => {
    const found = [];
    for (const p of PROBES) found.push(await runProbe(p));
    assertListed(found);
    // The examples: clients that could not be pinned to an older version.
    const vm = found.find((f) => f.key === 'Microsoft.Compute/virtualMachines')!;
    assert.match(vm.url, /\/providers\/Microsoft\.Compute\/virtualMachines\/vm\?api-version=/);
  });

  it('every @azure/arm-* dev dependency has a probe, so an added client is checked too', () => {
    const probed = new Set(PROBES.map((p) => p.pkg));
    const arm = Object.keys(pkg.devDependencies).filter((d) => d.startsWith('@azure/arm-'));
    assert.deepEqual(
      arm.filter((d) => !probed.has(d)),
      [],
    );
  });

  it(
    "Debian's Python SDK and the Azure CLI profile send only listed versions",
    { skip: !existsSync(DEBIAN_PYTHON) && 'python3-azure not installed' },
    () => {
      const found = [...readPythonVersions(), ...readAzProfileVersions()];
      assert.ok(
        found.some((f) => f.source === 'py:azure-mgmt-containerinstance'),
        'the single-api packages are read too',
      );
      assertListed(found);
    },
  );

  it('each tracked key has published versions, and every route type of a tracked namespace maps to one', () => {
    for (const t of TRACKED) assert.ok(publishedApiVersions(t.key).length > 0, t.key);
    assert.equal(
      trackedKeyOf('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials'),
      'Microsoft.ManagedIdentity',
    );
    assert.equal(trackedKeyOf('microsoft.compute/VIRTUALMACHINES'), 'Microsoft.Compute/virtualMachines');
    assert.equal(trackedKeyOf('Microsoft.Compute/disks'), undefined);
  });
});

describe('api-versions: merging keeps every version and refreshes its sources', () => {
  const prev = {
    comment: '',
    types: {
      'A/b': {
        '2020-01-01': ['js:@azure/arm-x@1.0.0'],
        '2021-01-01': ['spec'],
        '2019-01-01': ['hand-kept before generation'],
      },
    },
  };
  it('a version no source names any more stays; one found again gets the new sources of the consulted kinds', () => {
    const next = merge(
      prev,
      [
        { key: 'A/b', version: '2021-01-01', source: 'js:@azure/arm-x@2.0.0' },
        { key: 'A/b', version: '2022-01-01-preview', source: 'py:azure-mgmt-x' },
      ],
      ['A/b'],
    );
    assert.deepEqual(next.types['A/b'], {
      '2019-01-01': ['hand-kept before generation'],
      '2020-01-01': ['js:@azure/arm-x@1.0.0'],
      '2021-01-01': ['js:@azure/arm-x@2.0.0', 'spec'],
      '2022-01-01-preview': ['py:azure-mgmt-x'],
    });
  });
  it('a run without a source kind (no --specs) keeps what that kind said; a confirmed hand-kept version drops the tag', () => {
    const next = merge(prev, [{ key: 'A/b', version: '2019-01-01', source: 'spec' }], ['A/b']);
    assert.deepEqual(next.types['A/b']!['2019-01-01'], ['spec']);
    assert.deepEqual(next.types['A/b']!['2021-01-01'], ['spec'], 'spec consulted and silent: the old sources stay');
    assert.deepEqual(merge(next, [], ['A/b']), next, 'merging nothing changes nothing');
  });
  it('refuses a value that is not an api-version', () => {
    assert.throws(
      () => merge(prev, [{ key: 'A/b', version: 'latest', source: 'spec' }], ['A/b']),
      /not an api-version/,
    );
  });
});

describe('api-versions on the wire', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  it('the provider listing advertises every published version of each served Azure type', async () => {
    const r = await t.arm('GET', `/subscriptions/${t.creds.subscriptionId}/providers?api-version=2025-04-01`);
    assert.equal(r.status, 200, r.text);
    const served = (
      r.json.value as Array<{
        namespace: string;
        resourceTypes: Array<{ resourceType: string; apiVersions: string[] }>;
      }>
    )
      .filter((p) => p.namespace.startsWith('Microsoft.'))
      .flatMap((p) =>
        p.resourceTypes.map((rt) => ({ type: `${p.namespace}/${rt.resourceType}`, versions: rt.apiVersions })),
      );
    for (const { type, versions } of served) {
      const key = trackedKeyOf(type);
      assert.ok(key, `${type} is served but its api-versions are not tracked: add it to tools/api-versions/tracked.ts`);
      const missing = publishedApiVersions(key).filter((v) => !versions.includes(v));
      if (!type.endsWith('/listAssociatedResources')) assert.deepEqual(missing, [], type);
    }
  });

  it('an unknown version gets NoRegisteredProviderFound naming the supported ones; a malformed one InvalidApiVersionParameter', async () => {
    const path = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa`;
    const unknown = await t.arm('GET', `${path}?api-version=2099-01-01`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error.code, 'NoRegisteredProviderFound');
    assert.match(unknown.json.error.message, /API version '2099-01-01' for type 'Microsoft\.Storage\/storageAccounts'/);
    assert.ok(
      unknown.json.error.message.includes(publishedApiVersions('Microsoft.Storage/storageAccounts').at(-1)!),
      'the newest is listed',
    );
    const bad = await t.arm('GET', `${path}?api-version=v2`);
    assert.equal(bad.json.error.code, 'InvalidApiVersionParameter');
  });
});
