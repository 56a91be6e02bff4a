/**
 * The @azure/arm-* client matrix (docs/clients.md): every package at its newest Node-20 major, unmodified,
 * configured only with endpoint + credential; prints one row per flow as JSON. Runs in a child
 * process so NODE_EXTRA_CA_CERTS is the only way it trusts openmi's CA.
 */
import { ClientSecretCredential } from '@azure/identity';
import { appContainers, appService, compute, containerInstance, hybridCompute } from './arm-matrix-compute.js';
import { keyVault, monitor, msiAndRoles, resources, storage, subscriptions } from './arm-matrix-data.js';
import { Recorder, type MatrixEnv } from './arm-matrix-kit.js';

const env = JSON.parse(process.argv[2]!) as MatrixEnv;
const credential = new ClientSecretCredential(env.tenantId, env.clientId, env.clientSecret, {
  authorityHost: env.authorityHost,
  disableInstanceDiscovery: true,
});
const rec = new Recorder();
// Storage before monitor: the activity-log flow looks for the account's write.
for (const run of [
  compute,
  appService,
  containerInstance,
  appContainers,
  hybridCompute,
  keyVault,
  storage,
  monitor,
  resources,
  subscriptions,
  msiAndRoles,
]) {
  await run(rec, credential, env);
}
process.stdout.write(JSON.stringify(rec.rows));
