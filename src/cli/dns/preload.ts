/**
 * Loaded into workloads by `openmi run` (NODE_OPTIONS=--import …): makes `*.{zone}` (vault and
 * storage host names) resolve to the openmi server, because glibc does not resolve `*.localhost`
 * and a hosts file cannot hold a wildcard. Every other name goes to the system resolver untouched.
 */
import dns from 'node:dns';
import { dataPlaneLookup } from './lookup.js';

const zone = process.env['OPENMI_DATA_PLANE_ZONE'];
const target = process.env['OPENMI_DATA_PLANE_HOST'];
if (zone && target) {
  // net and tls read dns.lookup at connect time, so replacing the property reaches http, https and fetch.
  dns.lookup = dataPlaneLookup(
    dns.lookup as unknown as Parameters<typeof dataPlaneLookup>[0],
    zone,
    target,
  ) as unknown as typeof dns.lookup;
}
