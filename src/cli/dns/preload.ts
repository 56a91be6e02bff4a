/**
 * Loaded into workloads by `openmi run` (NODE_OPTIONS=--import …):
 * - `*.{zone}` (vault and storage host names) resolve to the openmi server, because glibc does not
 *   resolve `*.localhost` and a hosts file cannot hold a wildcard;
 * - Azure's own names openmi serves (management.azure.com, {vault}.vault.azure.net …) connect to
 *   the openmi server's port instead of 443, and other Azure names fail at once
 *   (docs/clients.md#transparent-mode).
 * Every other name goes to the system resolver untouched.
 */
import dns from 'node:dns';
import net from 'node:net';
import { azureConnect, azureLookup, dataPlaneLookup, parseAzureTarget } from './lookup.js';

type Lookup = Parameters<typeof dataPlaneLookup>[0];

const zone = process.env['OPENMI_DATA_PLANE_ZONE'];
const target = process.env['OPENMI_DATA_PLANE_HOST'];
if (zone && target) {
  // net and tls read dns.lookup at connect time, so replacing the property reaches http, https and fetch.
  dns.lookup = dataPlaneLookup(dns.lookup as unknown as Lookup, zone, target) as unknown as typeof dns.lookup;
}
const azure = parseAzureTarget(process.env['OPENMI_AZURE_TARGET']);
if (azure) {
  dns.lookup = azureLookup(dns.lookup as unknown as Lookup, azure) as unknown as typeof dns.lookup;
  const proto = net.Socket.prototype as unknown as { connect: Parameters<typeof azureConnect>[0] };
  proto.connect = azureConnect(proto.connect, azure);
}
